"""The names of an export folder's corpus-wide files, apart from the exporters (which import rdflib): a rebuild
names them before it imports the flow (kg.flow.build)."""

from __future__ import annotations

CORPUS_FILE = "kg.nq"  # the ontology and one named graph per article, as N-Quads
VOID_FILE = "void.ttl"  # the dataset's VoID/DCAT description
