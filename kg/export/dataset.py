"""The named graphs of a build and their VoID/DCAT description.

A store receives a build as named graphs: the ontology, the two shape sets, one graph per article and
the description of them all (`<base>graph/void`). The description is deterministic: it states graph
names, triple counts, the ontology version and the content hash of every facts file, and a time
only when one is asked for, so publishing the same facts twice publishes the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from rdflib import RDF, XSD, Literal, Namespace, URIRef
from rdflib.term import Node

from kg.graph.iris import MEDKG, ONTOLOGY_IRI, SCHEMA, iri_path, text_of
from kg.graph.terms import Triple, nt_line
from kg.load.facts import Source

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
VOID_FILE = "void.ttl"
CORPUS_FILE = "kg.nq"  # the ontology and one named graph per article, as N-Quads
PREFIXES = {"dcat": str(DCAT), "dcterms": str(DCTERMS), "owl": str(OWL), "spdx": str(SPDX), "void": str(VOID),
            "xsd": str(XSD)}


@dataclass(frozen=True)
class NamedGraph:
    """One graph of a build, as a store holds it: a graph IRI and its triples (no blank nodes)."""

    iri: str
    triples: tuple[Triple, ...]
    kind: str  # ontology, shapes, article or description

    def ntriples(self) -> bytes:
        """Sorted N-Triples: the body of a Graph Store Protocol PUT, equal bytes for equal graphs."""
        lines = {nt_line(t) for t in self.triples}
        return "".join(sorted(lines)).encode("utf-8")

    def __len__(self) -> int:
        return len(set(self.triples))


@dataclass(frozen=True)
class GraphSummary:
    """What the description states of a graph: its name, size and kind (no triples needed, so a
    streaming build can describe graphs it has already written)."""

    iri: str
    size: int
    kind: str

    def __len__(self) -> int:
        return self.size


def void_graph_iri(base_iri: str) -> str:
    return f"{base_iri}graph/void"


def source_name(source: Source, *, site: bool) -> str:
    """A facts file named relative to the data folder, the same wherever the folder lives (as text:
    bytes of the name that are not UTF-8 become U+FFFD)."""
    name = text_of(PurePath(source.file).name)  # native rules: on POSIX a backslash is part of the name
    return name if site else f"articles/{name}"


def source_iri(base_iri: str, name: str) -> str:
    """The IRI of a facts file in the description: its name percent-encoded (RFC 3987), so any file
    name gives a valid IRI and none can break out of it (`x> a <urn:evil> . <y.yaml` stays one IRI)."""
    return f"{base_iri}dataset/source/{iri_path(name)}"


def describe(base_iri: str, graphs: list[GraphSummary], sources: dict[str, Source], *,
             ontology_version: str, publisher: Node | None, timestamp: datetime | None = None) -> list[Triple]:
    """VoID + DCAT triples for a build: one dataset, one subset per named graph.

    `sources` maps each article graph IRI (and "" for the site file) to the facts file it came from.
    """
    dataset = URIRef(f"{base_iri}dataset")
    out: list[Triple] = [
        (dataset, RDF.type, VOID.Dataset),
        (dataset, RDF.type, DCAT.Dataset),
        (dataset, DCTERMS.title, Literal("medkg knowledge graph")),
        (dataset, DCTERMS.conformsTo, URIRef(ONTOLOGY_IRI)),
        (dataset, VOID.vocabulary, URIRef(str(MEDKG))),
        (dataset, VOID.vocabulary, URIRef(str(SCHEMA))),
        (dataset, VOID.triples, Literal(sum(len(g) for g in graphs), datatype=XSD.integer)),
        (URIRef(ONTOLOGY_IRI), OWL.versionInfo, Literal(ontology_version)),
    ]
    if publisher is not None:
        out.append((dataset, DCTERMS.publisher, publisher))
    if timestamp is not None:
        out.append((dataset, DCTERMS.modified, Literal(timestamp.isoformat(timespec="seconds"),
                                                       datatype=XSD.dateTime)))

    def source_node(source: Source, *, site: bool) -> URIRef:
        name = source_name(source, site=site)
        node = URIRef(source_iri(base_iri, name))
        checksum = URIRef(f"{node}#sha256")
        out.extend([
            (node, RDF.type, DCTERMS.BibliographicResource),
            (node, DCTERMS.identifier, Literal(name)),
            (node, SPDX.checksum, checksum),
            (checksum, RDF.type, SPDX.Checksum),
            (checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256),
            (checksum, SPDX.checksumValue, Literal(source.sha256, datatype=XSD.hexBinary)),
        ])
        return node

    site_node = source_node(sources[""], site=True) if "" in sources else None
    for g in graphs:
        subset = URIRef(g.iri)
        out += [(dataset, VOID.subset, subset), (subset, RDF.type, VOID.Dataset),
                (subset, VOID.triples, Literal(len(g), datatype=XSD.integer)),
                (subset, DCTERMS.type, Literal(g.kind))]
        if g.iri in sources:
            out.append((subset, DCTERMS.source, source_node(sources[g.iri], site=False)))
            if site_node is not None:
                out.append((subset, DCTERMS.source, site_node))
    return out

