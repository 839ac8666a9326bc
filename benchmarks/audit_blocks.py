"""CPU time of `kg audit` on a page with many JSON-LD blocks (issue [hardening] 12).

Run on demand: python benchmarks/audit_blocks.py [BLOCKS] [REPO ...]. Each REPO (default: this
checkout) is put first on PYTHONPATH, so an older checkout can be measured against this one. CPU time
(user + sys of the child), not wall time: a busy machine stretches wall time, not CPU time.
Never asserted in tests.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def page(blocks: int) -> str:
    scripts = []
    for i in range(blocks):
        doc = {
            "@context": "https://schema.org",
            "@type": "Product",
            "@id": f"https://example.org/p/{i}",
            "name": f"Product {i}",
            "description": "A thing",
            "offers": {"@type": "Offer", "price": "9.99", "priceCurrency": "EUR"},
        }
        scripts.append(f'<script type="application/ld+json">{json.dumps(doc)}</script>')
    return "<html><head>" + "\n".join(scripts) + "</head><body></body></html>"


def cpu_seconds(repo: Path, html: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, "-m", "kg", "audit", str(html), "--profile", "none"],
        cwd=html.parent,  # `python -m` puts the working directory first on sys.path, ahead of PYTHONPATH
        env={**os.environ, "PYTHONPATH": str(repo)},
        capture_output=True,
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    blocks = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    repos = [Path(p) for p in sys.argv[2:]] or [REPO]
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "page.html"
        html.write_text(page(blocks), encoding="utf-8")
        for repo in repos:
            seconds = cpu_seconds(repo, html)
            print(f"{repo}: {blocks} blocks, {seconds:.2f} s CPU, {1000 * seconds / blocks:.2f} ms a block")


if __name__ == "__main__":
    main()
