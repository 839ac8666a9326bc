"""Re-retrieve the pages of the `kg extract` evaluation set into its git-ignored `pages/` folder.

    python scripts/fetch_eval_pages.py [--force] [SLUG ...]

Needs trafilatura (a dependency of medkg since `kg extract` reads HTML with it). The page texts are third-party
copyrighted text and are not committed (tests/cases/extract/eval/README.md).
Each page is fetched by its URL (timeout, size cap), reduced to its main text with trafilatura and cut to
the excerpt the fact list was made from (`excerpt.starts` … `excerpt.ends`). Exit 0 when every page was
written, 1 when some page no longer holds its excerpt (its whole main text is kept), 3 when offline or a
page cannot be fetched.
"""

from __future__ import annotations

import sys
from pathlib import Path

import requests
import trafilatura
import yaml

EVAL = Path(__file__).resolve().parent.parent / "tests" / "cases" / "extract" / "eval"
TIMEOUT = 20  # seconds, connect and read
MAX_BYTES = 2_000_000
AGENT = "medkg-eval-fetch/1 (re-retrieves an evaluation page for local testing)"


class FetchError(Exception):
    pass


def fetch(url: str) -> str:
    """The page's HTML, at most MAX_BYTES; FetchError with the reason otherwise."""
    try:
        with requests.get(url, timeout=TIMEOUT, stream=True, headers={"User-Agent": AGENT}) as response:
            response.raise_for_status()
            body = b""
            for chunk in response.iter_content(65536):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise FetchError(f"{url}: larger than {MAX_BYTES} bytes")
            return body.decode(response.encoding or "utf-8", errors="replace")
    except requests.ConnectionError as e:
        raise FetchError(f"{url}: cannot connect (offline?): {e.__class__.__name__}") from None
    except requests.Timeout:
        raise FetchError(f"{url}: no answer within {TIMEOUT} s") from None
    except requests.HTTPError as e:
        raise FetchError(f"{url}: HTTP {e.response.status_code}") from None


def excerpt(text: str, starts: str, ends: str) -> str | None:
    """The part of the text from `starts` to the end of `ends`; None when the page no longer holds it."""
    begin = text.find(starts)
    end = text.find(ends, max(begin, 0))
    if begin < 0 or end < 0:
        return None
    return text[begin : end + len(ends)]


def main(argv: list[str]) -> int:
    force = "--force" in argv
    wanted = {a for a in argv if not a.startswith("--")}
    (EVAL / "pages").mkdir(exist_ok=True)
    status = 0
    for file in sorted(EVAL.glob("*.yaml")):
        entry = yaml.safe_load(file.read_text(encoding="utf-8"))
        target = EVAL / "pages" / f"{entry['slug']}.txt"
        if (wanted and entry["slug"] not in wanted) or (target.exists() and not force):
            continue
        try:
            html = fetch(entry["url"])
        except FetchError as e:
            print(f"error: {e}", file=sys.stderr)
            return 3
        text = trafilatura.extract(html, favor_recall=True, include_comments=False) or ""
        cut = excerpt(text, entry["excerpt"]["starts"], entry["excerpt"]["ends"])
        if cut is None:
            print(
                f"warning: {entry['slug']}: the live page no longer holds the excerpt; kept its whole main text",
                file=sys.stderr,
            )
            status = 1
        target.write_text((cut or text) + "\n", encoding="utf-8")
        print(f"{entry['slug']}: {target}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
