"""`kg extract`: draft a facts file from an article (HTML, Markdown or structured plain text).

The flow: read the article into blocks (reader per format) → find facts with rules driven by the
bundled lexicon → a YAML draft marked `draft: true`, every fact with the exact words behind it.
"""

from kg.extract.draft import Draft, extract, render_yaml

__all__ = ["Draft", "extract", "render_yaml"]
