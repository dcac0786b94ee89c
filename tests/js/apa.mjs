// Reads a reference from stdin (BibTeX, RIS or CSL-JSON), as a reference manager would with citation-js
// (whose CSL engine is citeproc-js, Zotero's and Mendeley's), and prints it formatted with the APA template.
// Usage: node apa.mjs [text|html] < reference    Exit 1 with a message when it cannot be read.
import { Cite } from '@citation-js/core'
import '@citation-js/plugin-bibtex'
import '@citation-js/plugin-ris'
import '@citation-js/plugin-csl'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const input = Buffer.concat(chunks).toString('utf8')
try {
  const cite = await Cite.async(input)
  if (cite.data.length !== 1) throw new Error(`expected one item, read ${cite.data.length}`)
  const format = process.argv[2] || 'text'
  process.stdout.write(cite.format('bibliography', { format, template: 'apa', lang: 'en-US' }))
} catch (error) {
  process.stderr.write(`apa.mjs: ${error.message}\n`)
  process.exit(1)
}
