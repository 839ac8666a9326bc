"""The named graphs of a build and their VoID/DCAT description.

A store receives a build as named graphs: the ontology, the shape sets, one graph per article and
the description of them all (`<base>graph/void`). `kg.nq` holds every graph but the description, and
the description's counts are those of `kg.nq`: triples per graph, class and property partitions.
It lists each export file as a `dcat:Distribution` (media type, byte size, SHA-256; kg.nq by size,
each graph's lines in it with their own SHA-256, so a one-article rebuild never hashes it whole), names the
licence and download location only when the site states them, and the generator's version. It is
deterministic: a time only when one is asked for, so publishing the same facts twice publishes the
same bytes.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import PurePath, PurePosixPath

from rdflib import RDF, RDFS, XSD, Literal, Namespace, URIRef
from rdflib.term import Node

from kg.export.files import CORPUS_FILE
from kg.graph.iris import MEDKG, ONTOLOGY_IRI, SCHEMA, iri_path, text_of
from kg.graph.terms import Triple, is_blank, nt_line
from kg.load.facts import Source

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
PROV = Namespace("http://www.w3.org/ns/prov#")
MEDIA_TYPES = {
    ".nq": "application/n-quads",
    ".ttl": "text/turtle",
    ".jsonld": "application/ld+json",
    ".html": "text/html",
}
_RDF_TYPE = str(RDF.type)
PREFIXES = {
    "dcat": str(DCAT),
    "dcterms": str(DCTERMS),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdfs": str(RDFS),
    "spdx": str(SPDX),
    "void": str(VOID),
    "xsd": str(XSD),
}


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
    sha256: str | None = None  # of the graph's lines in kg.nq, when the build wrote them

    def __len__(self) -> int:
        return self.size


@dataclass
class Partitions:
    """What a set of graphs holds, by class (typed subjects, each with the number of graphs that type it)
    and by property (triples). The counts let a rebuild take one graph's contribution out again."""

    classes: dict[str, Counter[str]] = field(default_factory=dict)
    properties: Counter[str] = field(default_factory=Counter)

    def add(self, triples: Iterable[Triple], graph: str = "") -> Partitions:
        # plain strings: rdflib compares two equal terms in Python, str in C (a named graph has ~1,000 triples)
        properties, typed = self.properties, []
        for s, p, o in triples:
            key = str(p)
            properties[key] += 1
            if key == _RDF_TYPE:
                typed.append((s, o))
        for s, o in typed:  # blank nodes are distinct per graph
            self.classes.setdefault(str(o), Counter())[f"{graph} {s}" if is_blank(s) else str(s)] += 1
        return self

    def merge(self, other: Partitions) -> None:
        for c, subjects in other.classes.items():
            self.classes.setdefault(c, Counter()).update(subjects)
        self.properties.update(other.properties)

    def counts(self) -> Counts:
        return Counts({c: len(s) for c, s in self.classes.items()}, dict(self.properties))


@dataclass(frozen=True)
class Counts:
    """What a description states of the partitions: distinct subjects per class, triples per property."""

    classes: dict[str, int]
    properties: dict[str, int]


@dataclass(frozen=True)
class FileInfo:
    """An export file as a distribution: its name in the build folder, byte size and SHA-256."""

    name: str
    size: int
    sha256: str | None  # None for kg.nq: hashing it whole would cost a rebuild seconds (each graph has one)

    @classmethod
    def of(cls, name: str, data: bytes) -> FileInfo:
        return cls(name, len(data), hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class Extras:
    """What a build's description states besides its graphs: files, partitions, licence, download location."""

    files: tuple[FileInfo, ...] = ()
    partitions: Counts | None = None
    license: str | None = None
    exports_url: str | None = None


def generator_version() -> str:
    try:
        return metadata.version("medkg")
    except metadata.PackageNotFoundError:  # a source tree without installed metadata
        return "unknown"


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


def describe(
    base_iri: str,
    graphs: list[GraphSummary],
    sources: dict[str, Source],
    *,
    ontology_version: str,
    publisher: Node | None,
    timestamp: datetime | None = None,
    extras: Extras | None = None,
) -> list[Triple]:
    """VoID + DCAT triples for a build: one dataset, one subset per named graph.

    `sources` maps each article graph IRI (and "" for the site file) to the facts file it came from.
    """
    extras = extras or Extras()
    site = sources.get("")
    others = [g for g in graphs if g.kind != "article"]
    total = sum(len(g) for g in graphs)
    out = describe_corpus(base_iri, others, total, site, ontology_version, publisher, timestamp, extras)
    for g in graphs:
        if g.kind == "article":
            out += describe_graph(base_iri, g, sources.get(g.iri), site, (), extras)
    return out


def describe_corpus(
    base_iri: str,
    graphs: list[GraphSummary],
    total: int,
    site: Source | None,
    ontology_version: str,
    publisher: Node | None,
    timestamp: datetime | None,
    extras: Extras,
) -> list[Triple]:
    """The dataset as a whole: its triples in all (`total`), the graphs that are not articles', the site's
    facts file, partitions and `extras.files`. Each article's part comes from `describe_graph`."""
    dataset = URIRef(f"{base_iri}dataset")
    out: list[Triple] = [
        (dataset, RDF.type, VOID.Dataset),
        (dataset, RDF.type, DCAT.Dataset),
        (dataset, DCTERMS.title, Literal("medkg knowledge graph", lang="en")),
        (dataset, DCTERMS.conformsTo, URIRef(ONTOLOGY_IRI)),
        (dataset, VOID.vocabulary, URIRef(str(MEDKG))),
        (dataset, VOID.vocabulary, URIRef(str(SCHEMA))),
        (dataset, VOID.triples, Literal(total, datatype=XSD.integer)),
        (URIRef(ONTOLOGY_IRI), OWL.versionInfo, Literal(ontology_version)),
    ]
    if publisher is not None:
        out.append((dataset, DCTERMS.publisher, publisher))
    if timestamp is not None:
        out.append((dataset, DCTERMS.modified, Literal(timestamp.isoformat(timespec="seconds"), datatype=XSD.dateTime)))
    if site is not None:
        out += _source(base_iri, site, site=True)
    for g in graphs:
        out += _subset(dataset, g)
    out += _generator(dataset, base_iri)
    out.append((dataset, VOID.uriSpace, Literal(base_iri)))
    if extras.license is not None:
        out.append((dataset, DCTERMS.license, URIRef(extras.license)))
    if extras.partitions is not None:
        out += _partitions(dataset, extras.partitions)
    out += _distributions(dataset, base_iri, extras.files, extras)
    return out


def describe_graph(
    base_iri: str,
    g: GraphSummary,
    source: Source | None,
    site: Source | None,
    files: tuple[FileInfo, ...],
    extras: Extras,
) -> list[Triple]:
    """One article's part of the description: its subset, the facts file it came from, its export files."""
    dataset = URIRef(f"{base_iri}dataset")
    out = _subset(dataset, g)
    if source is not None:
        out += _source(base_iri, source, site=False)
        out.append((URIRef(g.iri), DCTERMS.source, URIRef(source_iri(base_iri, source_name(source, site=False)))))
        if site is not None:
            out.append((URIRef(g.iri), DCTERMS.source, URIRef(source_iri(base_iri, source_name(site, site=True)))))
    return out + _distributions(dataset, base_iri, files, extras)


def _subset(dataset: URIRef, g: GraphSummary) -> list[Triple]:
    """A graph as a subset: its size and kind, and the SHA-256 of its lines in kg.nq when known."""
    subset = URIRef(g.iri)
    out: list[Triple] = [
        (dataset, VOID.subset, subset),
        (subset, RDF.type, VOID.Dataset),
        (subset, VOID.triples, Literal(len(g), datatype=XSD.integer)),
        (subset, DCTERMS.type, URIRef(f"{ONTOLOGY_IRI}#{g.kind.capitalize()}Graph")),
    ]
    if g.sha256 is not None:  # its node is the site's: a graph IRI may be another's (the ontology's)
        out += _checksum(subset, g.sha256, URIRef(f"{dataset}/checksum/{_key(g.iri)}"))
    return out


def _checksum(node: URIRef, sha256: str, checksum: URIRef | None = None) -> list[Triple]:
    checksum = checksum or URIRef(f"{node}#sha256")
    return [
        (node, SPDX.checksum, checksum),
        (checksum, RDF.type, SPDX.Checksum),
        (checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256),
        (checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)),
    ]


def _source(base_iri: str, source: Source, *, site: bool) -> list[Triple]:
    name = source_name(source, site=site)
    node = URIRef(source_iri(base_iri, name))
    return [
        (node, RDF.type, DCTERMS.BibliographicResource),
        (node, DCTERMS.identifier, Literal(name)),
        *_checksum(node, source.sha256),
    ]


def _generator(dataset: URIRef, base_iri: str) -> list[Triple]:
    activity, agent = URIRef(f"{base_iri}dataset/generation"), URIRef("https://w3id.org/medkg/software")
    return [
        (dataset, PROV.wasGeneratedBy, activity),
        (activity, RDF.type, PROV.Activity),
        (activity, PROV.wasAssociatedWith, agent),
        (agent, RDF.type, PROV.SoftwareAgent),
        (agent, RDFS.label, Literal("medkg")),
        (activity, OWL.versionInfo, Literal(generator_version())),
    ]


def _key(iri: str) -> str:
    return hashlib.sha256(iri.encode("utf-8")).hexdigest()[:16]


def _partitions(dataset: URIRef, parts: Counts) -> list[Triple]:
    out: list[Triple] = [
        (dataset, VOID.classes, Literal(len(parts.classes), datatype=XSD.integer)),
        (dataset, VOID.properties, Literal(len(parts.properties), datatype=XSD.integer)),
    ]
    for cls, entities in parts.classes.items():
        node = URIRef(f"{dataset}/class/{_key(cls)}")
        out += [
            (dataset, VOID.classPartition, node),
            (node, VOID["class"], URIRef(cls)),
            (node, VOID.entities, Literal(entities, datatype=XSD.integer)),
        ]
    for prop, count in parts.properties.items():
        node = URIRef(f"{dataset}/property/{_key(prop)}")
        out += [
            (dataset, VOID.propertyPartition, node),
            (node, VOID.property, URIRef(prop)),
            (node, VOID.triples, Literal(count, datatype=XSD.integer)),
        ]
    return out


def _distributions(dataset: URIRef, base_iri: str, files: tuple[FileInfo, ...], extras: Extras) -> list[Triple]:
    out: list[Triple] = []
    # Namespace attributes cost ~10 µs each: looked up once, not 14 times per file of a large build.
    distribution, kind, title, media_type = DCAT.distribution, DCAT.Distribution, DCTERMS.title, DCAT.mediaType
    byte_size, checksum_of, checksum_kind = DCAT.byteSize, SPDX.checksum, SPDX.Checksum
    algorithm, sha256, value = SPDX.algorithm, SPDX.checksumAlgorithm_sha256, SPDX.checksumValue
    download, dump, license_ = DCAT.downloadURL, VOID.dataDump, DCTERMS.license
    for f in files:
        node = URIRef(f"{base_iri}dataset/distribution/{iri_path(f.name)}")
        checksum = URIRef(f"{node}#sha256")
        media = MEDIA_TYPES.get(PurePosixPath(f.name).suffix, "application/octet-stream")
        out += [
            (dataset, distribution, node),
            (node, RDF.type, kind),
            (node, title, Literal(f.name)),
            (node, media_type, URIRef(f"https://www.iana.org/assignments/media-types/{media}")),
            (node, byte_size, Literal(f.size, datatype=XSD.integer)),  # stores keep xsd:integer as sent
        ]
        if f.sha256 is not None:  # kg.nq has none: each graph's lines have theirs (see _subset)
            out += [
                (node, checksum_of, checksum),
                (checksum, RDF.type, checksum_kind),
                (checksum, algorithm, sha256),
                (checksum, value, Literal(f.sha256, datatype=XSD.hexBinary)),
            ]
        if extras.exports_url is not None:
            url = URIRef(extras.exports_url + f.name)
            out.append((node, download, url))
            if f.name == CORPUS_FILE:
                out.append((dataset, dump, url))
        if extras.license is not None:
            out.append((node, license_, URIRef(extras.license)))
    return out
