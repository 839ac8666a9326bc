"""medkg: facts of consumer medical articles → a validated knowledge graph → schema.org JSON-LD, Turtle, N-Quads."""

__version__ = "0.2.0"
