"""`clbp browse`: the whole review on one interactive screen (Textual). Imported only by the browse command."""
