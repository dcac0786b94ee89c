"""The core: frozen records, loading and validation, the cache, ranking, search, citations and views.

Pure functions on frozen records; nothing here knows about terminals.
"""
