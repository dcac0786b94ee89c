"""The review's reference in citation styles and reference-manager formats. Pure text; no terminal."""

from __future__ import annotations

import enum
import re

from clbp_cli.core.model import Author, Source


class CitationStyle(str, enum.Enum):
    apa = "apa"
    vancouver = "vancouver"
    bibtex = "bibtex"
    ris = "ris"
    csl_json = "csl-json"


class CitationMarkup(str, enum.Enum):
    """How a prose style (APA, Vancouver) is written: plain text, or with its italics as Markdown or HTML."""

    text = "text"
    markdown = "markdown"
    html = "html"


PROSE_STYLES = frozenset({CitationStyle.apa, CitationStyle.vancouver})


class _Markup:
    """Escaping, italics and links for one markup; plain text passes through."""

    def __init__(self, markup: CitationMarkup) -> None:
        self.markup = markup

    def text(self, text: str) -> str:
        if self.markup is CitationMarkup.markdown:
            return markdown_escaped(text)
        if self.markup is CitationMarkup.html:
            return _html_escape(text)
        return text

    def italic(self, text: str) -> str:
        if self.markup is CitationMarkup.markdown:
            return f"*{self.text(text)}*"
        if self.markup is CitationMarkup.html:
            return f"<i>{self.text(text)}</i>"
        return text

    def link(self, url: str) -> str:
        if self.markup is CitationMarkup.html:
            return f'<a href="{_html_escape(url)}">{_html_escape(url)}</a>'
        return url  # a bare URL is a link in Markdown (GitHub, Pandoc's autolink_bare_uris) and in text


# Markdown's inline specials, and `|`, which ends a cell in a GitHub table and is harmless escaped elsewhere (a
# backslash before any ASCII punctuation is a literal in CommonMark).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip


def markdown_escaped(text: str) -> str:
    """Text as literal Markdown: no emphasis, link, HTML or table cell made of it."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _nlm_name(author: Author) -> str:
    """'Wun A', 'Dupont JP': the family name and the initials run together, as NLM (Vancouver, PubMed) writes them."""
    return f"{author.family} {''.join(author.initials).replace('-', '')}"


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


APA_MAX_LISTED_AUTHORS = 20  # APA 7 lists up to 20 authors; with more, the first 19, an ellipsis and the last


def _terminal_period(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def short_reference(source: Source) -> str:
    """One line for footers: 'Wun A, et al. Musculoskelet Sci Pract. 2021;51:102307'."""
    first = _nlm_name(source.authors[0])
    return f"{first}, et al. {source.journal_abbreviation}. {source.year};{source.volume}:{source.article_number}"


def short_author_year(source: Source) -> str:
    """'Wun et al. 2021' (or 'Wun 2021', 'Wun & Kollias 2021')."""
    families = [author.family for author in source.authors]
    if len(families) == 1:
        names = families[0]
    elif len(families) == 2:
        names = f"{families[0]} & {families[1]}"
    else:
        names = f"{families[0]} et al."
    return f"{names} {source.year}"


def _apa_author(author: Author) -> str:
    return f"{author.family}, {' '.join(initial.replace('-', '.-') + '.' for initial in author.initials)}"  # J.-P.


def apa(source: Source, markup: CitationMarkup = CitationMarkup.text) -> str:
    """APA 7th edition, journal article with an article number (section 10.1, example 6).

    The journal's name and the volume are in italics, which plain text cannot show; Markdown and HTML do.
    """
    m = _Markup(markup)
    names = [_apa_author(author) for author in source.authors]
    if len(names) == 1:
        authors = names[0]
    elif len(names) <= APA_MAX_LISTED_AUTHORS:
        authors = ", ".join(names[:-1]) + ", & " + names[-1]
    else:
        authors = ", ".join(names[: APA_MAX_LISTED_AUTHORS - 1]) + ", . . . " + names[-1]
    return (
        f"{m.text(f'{authors} ({source.year}). {_terminal_period(source.title)}')} {m.italic(source.journal)}, "
        f"{m.italic(source.volume)}, {m.text(f'Article {source.article_number}.')} {m.link(source.doi_url)}"
    )


def vancouver(source: Source, markup: CitationMarkup = CitationMarkup.text) -> str:
    """Vancouver in NLM style (Citing Medicine, journal article with an electronic article number), as PubMed.

    NLM sets nothing in italics, so Markdown and HTML differ from the text only by their escaping.
    """
    authors = ", ".join(_nlm_name(author) for author in source.authors)
    year, month, day = source.first_online.split("-")
    month_name = MONTHS[int(month) - 1][:3]  # NLM abbreviates a month to its first three letters
    return _Markup(markup).text(
        f"{authors}. {_terminal_period(source.title)} {source.journal_abbreviation}. "
        f"{source.year};{source.volume}:{source.article_number}. doi: {source.doi}. "
        f"Epub {year} {month_name} {int(day)}. PMID: {source.pmid}."
    )


_BIBTEX_SPECIAL = re.compile(r"([\\{}&%$#_~^])")


def _bibtex_escape(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        char = match.group(1)
        return {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}.get(char, "\\" + char)

    return _BIBTEX_SPECIAL.sub(replace, text)


def _bibtex_title(title: str) -> str:
    """Brace words with capitals after the first word, so styles that lower-case titles keep them ('? {A} review')."""
    words = _bibtex_escape(title).split(" ")
    return " ".join([words[0]] + [f"{{{word}}}" if any(c.isupper() for c in word) else word for word in words[1:]])


def citation_key(source: Source) -> str:
    """'wun2021why': first author, year, first word of the title (Google Scholar's convention)."""
    family = re.sub(r"[^a-z]", "", source.authors[0].family.casefold())
    first_word = re.sub(r"[^a-z]", "", source.title.split(" ")[0].casefold())
    return f"{family}{source.year}{first_word}"


def bibtex(source: Source) -> str:
    authors = " and ".join(f"{_bibtex_escape(a.family)}, {_bibtex_escape(a.given)}" for a in source.authors)
    fields = [
        ("author", authors),
        ("title", _bibtex_title(source.title)),
        ("journal", _bibtex_escape(source.journal)),
        ("year", str(source.year)),
        ("volume", _bibtex_escape(source.volume)),
        # biblatex's field for an article number; in `pages` it would be printed as a page ("51, 102307")
        ("eid", _bibtex_escape(source.article_number)),
        ("doi", _bibtex_escape(source.doi)),
        ("issn", _bibtex_escape(source.issn)),
        ("pmid", _bibtex_escape(source.pmid)),
        ("url", source.doi_url),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@article{{{citation_key(source)},\n{body}\n}}"


def ris(source: Source) -> str:
    """RIS: two-letter tag, two spaces, hyphen, space; ends with 'ER  - '.

    No `DA`: Zotero and citeproc-js take `DA` as the item's date ahead of `PY`, so the online-first date there
    would cite the 2021 article as 2020. The article number is `C7` (Article Number in EndNote's RIS); `SP`
    would make it a page.
    """
    lines = [("TY", "JOUR")]
    lines += [("AU", f"{author.family}, {author.given}") for author in source.authors]
    lines += [
        ("TI", source.title),
        ("T2", source.journal),
        ("J2", source.journal_abbreviation),
        ("PY", str(source.year)),
        ("VL", source.volume),
        ("C7", source.article_number),
        ("SN", source.issn),
        ("DO", source.doi),
        ("UR", source.doi_url),
        ("AN", source.pmid),
        ("DB", "PubMed"),
        ("ER", ""),
    ]
    return "\n".join(f"{tag}  - {value}" for tag, value in lines)


def csl_json(source: Source) -> str:
    """CSL-JSON (citeproc's input): a list holding one item."""
    import json  # not at the top: the other styles (and every table) need not import it

    item = {
        "id": citation_key(source),
        "type": "article-journal",
        "author": [{"family": author.family, "given": author.given} for author in source.authors],
        "title": source.title,
        "container-title": source.journal,
        "container-title-short": source.journal_abbreviation,
        "issued": {"date-parts": [[source.year]]},
        "volume": source.volume,
        "number": source.article_number,  # CSL's variable for an article number
        "ISSN": source.issn,
        "DOI": source.doi,
        "PMID": source.pmid,
        "URL": source.doi_url,
    }
    return json.dumps([item], ensure_ascii=False, indent=2)


FORMATTERS = {
    CitationStyle.apa: apa,
    CitationStyle.vancouver: vancouver,
    CitationStyle.bibtex: bibtex,
    CitationStyle.ris: ris,
    CitationStyle.csl_json: csl_json,
}


def cite(source: Source, style: CitationStyle, markup: CitationMarkup = CitationMarkup.text) -> str:
    """The reference in `style`; APA and Vancouver also as Markdown or HTML (a small document to open and copy).

    Raises ValueError for markup on a reference-manager format (BibTeX, RIS, CSL-JSON are plain text).
    """
    if markup is CitationMarkup.text:
        return FORMATTERS[style](source)
    if style is CitationStyle.apa:
        reference = apa(source, markup)
    elif style is CitationStyle.vancouver:
        reference = vancouver(source, markup)
    else:
        raise ValueError(f"{style.value} is plain text; Markdown and HTML are for apa and vancouver")
    if markup is CitationMarkup.markdown:
        return reference
    label = "APA 7" if style is CitationStyle.apa else "Vancouver"
    title = _html_escape(f"{short_author_year(source)}, {label} reference")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n</head>\n<body>\n<p>{reference}</p>\n</body>\n</html>"
    )
