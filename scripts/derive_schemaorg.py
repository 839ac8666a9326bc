"""Derive medkg's compact schema.org vocabulary file from a schema.org release Turtle file.

    python scripts/derive_schemaorg.py [VOCAB.ttl] [OUT.json]

Defaults: ../shared/schemaorg/schemaorg-current-https.ttl → ontology/schemaorg/vocab-30.0.json.
The output keeps what conformance checking needs (types with superclasses, properties with
domainIncludes/rangeIncludes, enumeration members, supersededBy, pending), local names only,
sorted, one term per line: the same input always gives the same bytes, and diffs stay readable.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, Graph, Namespace, URIRef

REPO = Path(__file__).resolve().parent.parent
# ../shared of the checkout (a git worktree may sit one level deeper: the nearest ancestor holding shared/)
SHARED = next((a / "shared" for a in REPO.parents if (a / "shared").is_dir()), REPO.parent / "shared")
DEFAULT_IN = SHARED / "schemaorg" / "schemaorg-current-https.ttl"
DEFAULT_OUT = REPO / "ontology" / "schemaorg" / "vocab-30.0.json"
RELEASE = "30.0"
SO = Namespace("https://schema.org/")
PENDING = URIRef("https://pending.schema.org")


def _local(term: object) -> str | None:
    text = str(term)
    return text[len(SO) :] if isinstance(term, URIRef) and text.startswith(str(SO)) else None


def _names(g: Graph, s: URIRef, p: URIRef) -> list[str]:
    return sorted(n for n in (_local(o) for o in g.objects(s, p)) if n)


def _common(g: Graph, s: URIRef) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if (s, SO.isPartOf, PENDING) in g:
        out["pending"] = True
    superseded = _names(g, s, SO.supersededBy)
    if superseded:
        out["supersededBy"] = superseded
    return out


def derive(g: Graph) -> dict[str, dict[str, dict[str, Any]]]:
    types: dict[str, dict[str, Any]] = {}
    properties: dict[str, dict[str, Any]] = {}
    members: dict[str, dict[str, Any]] = {}
    for s in set(g.subjects(RDF.type, None)):
        name = _local(s)
        if name is None:
            continue
        kinds = set(g.objects(s, RDF.type))
        if RDFS.Class in kinds:
            entry = {"super": _names(g, s, RDFS.subClassOf), **_common(g, s)}
            if SO.DataType in kinds:
                entry["datatype"] = True
            types[name] = entry
        elif RDF.Property in kinds:
            properties[name] = {
                "domains": _names(g, s, SO.domainIncludes),
                "ranges": _names(g, s, SO.rangeIncludes),
                **_common(g, s),
            }
        of = sorted(n for n in (_local(k) for k in kinds) if n and n != "DataType")
        if of:  # an enumeration member (a few terms are both a class and a member)
            members[name] = {"types": of, **_common(g, s)}
    return {"types": types, "properties": properties, "members": members}


def dumps(vocab: dict[str, dict[str, dict[str, Any]]], source: str) -> str:
    """One term per line, keys sorted."""
    head = {
        "release": RELEASE,
        "source": source,
        "licence": "Schema.org vocabulary, version 30.0, (c) Schema.org sponsors, CC BY-SA 3.0, https://schema.org",
    }
    lines = ["{"]
    lines += [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items()]
    sections = list(vocab.items())
    for i, (section, terms) in enumerate(sections):
        lines.append(f"  {json.dumps(section)}: {{")
        rows = [
            f"    {json.dumps(n)}: {json.dumps(terms[n], sort_keys=True, ensure_ascii=False)}" for n in sorted(terms)
        ]
        lines.append(",\n".join(rows))
        lines.append("  }" + ("," if i < len(sections) - 1 else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    src = Path(argv[0]) if argv else DEFAULT_IN
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    data = src.read_bytes()
    g = Graph().parse(data=data, format="turtle")
    source = f"schemaorg/schemaorg data/releases/{RELEASE}/{src.name} sha256:{hashlib.sha256(data).hexdigest()}"
    out.write_text(dumps(derive(g), source), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
