"""A build's description (void.ttl, 313 MB at 100k articles) is PUT read from its file in blocks:
the whole file reaches the server on every attempt (a retry after a 5xx, a same-origin redirect),
and none of it stays mapped in the process while it is sent (issue [scale2] 3: memory flat)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from scripted import Handler, Seen, serving

from kg.core.errors import InputError
from kg.stores.chunked import put_file
from kg.stores.gsp import GraphStore, Target


def _body(size: int) -> bytes:
    """Bytes that differ along the file, so a body sent from the wrong offset cannot match."""
    return b"".join(b"<https://example.org/s%d> <https://example.org/p> %d .\n" % (i, i) for i in range(size // 48))


def test_every_attempt_sends_the_whole_file(tmp_path: Path) -> None:
    """503 (retried by urllib3), then 307 to the same origin (followed by medkg), then 204: three
    PUTs, each with the file's exact bytes, however far the earlier attempt read it."""
    path = tmp_path / "void.ttl"
    path.write_bytes(_body(3_000_000))
    answers = iter([503, 307, 204])

    def script(h: Handler, seen: Seen) -> None:
        status = next(answers)
        h.reply(status, headers={"Location": "/moved/store?graph=x"} if status == 307 else None)

    with serving(script) as server:
        store = GraphStore(Target(server.url), retries=1, backoff=0)
        put_file(store, "https://example.org/graph/void", path, "text/turtle")
        store.close()
    assert [(s.method, s.path.split("?")[0]) for s in server.seen] == [
        ("PUT", "/store"),
        ("PUT", "/store"),
        ("PUT", "/moved/store"),
    ]
    assert all(s.body == path.read_bytes() for s in server.seen)
    assert {s.headers["Content-Length"] for s in server.seen} == {str(path.stat().st_size)}


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads RssFile from /proc (Linux)")
def test_the_file_is_not_resident_in_the_process_while_it_is_sent(tmp_path: Path) -> None:
    """The server (a thread of this process) looks at the process's file-backed resident memory once
    the whole body has arrived, before the PUT returns: a file sent from a memory map would have
    every page of it resident there (~60 MB); read in blocks, none is."""
    path = tmp_path / "void.ttl"
    path.write_bytes(_body(48 << 20))
    fd = os.open(path, os.O_RDONLY)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)  # in the page cache either way
    os.close(fd)
    during: list[int] = []

    def script(h: Handler, seen: Seen) -> None:
        during.append(_rss_file())
        h.reply(204)

    before = _rss_file()
    with serving(script) as server:
        store = GraphStore(Target(server.url), retries=0)
        put_file(store, "https://example.org/graph/void", path, "text/turtle")
        store.close()
    assert len(server.seen[0].body) == path.stat().st_size
    assert during[0] - before < 8 << 20, f"{(during[0] - before) >> 20} MB of the file resident while sent"


def test_an_unreadable_description_is_an_input_error_naming_it(tmp_path: Path) -> None:
    with serving(lambda h, seen: h.reply(204)) as server:
        store = GraphStore(Target(server.url), retries=0)
        with pytest.raises(InputError, match=r"void\.ttl: cannot read the build's description: No such file"):
            put_file(store, "https://example.org/graph/void", tmp_path / "void.ttl", "text/turtle")
        store.close()
    assert server.seen == []


def _rss_file() -> int:
    """This process's file-backed resident memory, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssFile:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no RssFile in /proc/self/status")
