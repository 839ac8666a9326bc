"""Generate docs/ontology/index.html, the HTML documentation of ontology/medkg.ttl, with pyLODE.

    python -m scripts.gen_ontology_docs            # write the page
    python -m scripts.gen_ontology_docs --check    # exit 1 if the committed page is stale

pyLODE orders some lists by Python's string hashing and by blank node labels, so the page is made in
a child process with a fixed PYTHONHASHSEED, from the ontology's canonical form (blank nodes named by
their content). pyLODE 3.3 still lists the members of a union (a property's domain "Treatment or
Procedure step") in varying order, so the staleness check compares the page's lines as a multiset:
any change of content is caught, a reordering of those lists is not a change. tests/unit/test_owl.py fails
when the committed page differs from what the ontology gives.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ONTOLOGY = REPO / "ontology/medkg.ttl"
PAGE = REPO / "docs/ontology/index.html"


def render() -> bytes:
    """The page's bytes, made by pyLODE in a child process with a fixed hash seed."""
    code = (
        "import logging, sys; logging.disable(logging.CRITICAL); from pylode import OntPub; "
        "from rdflib import Graph; from rdflib.compare import to_canonical_graph; "
        f"g = Graph(); [g.add(t) for t in to_canonical_graph(Graph().parse({str(ONTOLOGY)!r}))]; "
        "sys.stdout.write(OntPub(ontology=g).make_html())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, check=True, cwd=REPO)
    return done.stdout.rstrip(b"\n") + b"\n"


def same_content(a: bytes, b: bytes) -> bool:
    """Equal pages up to the order of their lines (see the module docstring)."""
    return sorted(a.splitlines()) == sorted(b.splitlines())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/ontology/index.html is stale")
    args = parser.parse_args(argv)
    page = render()
    if args.check:
        current = PAGE.read_bytes() if PAGE.is_file() else b""
        if not same_content(current, page):
            print(f"{PAGE.relative_to(REPO)} is stale: run python -m scripts.gen_ontology_docs", file=sys.stderr)
            return 1
        return 0
    PAGE.parent.mkdir(parents=True, exist_ok=True)
    PAGE.write_bytes(page)
    print(f"{PAGE.relative_to(REPO)}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
