"""A real Virtuoso 7 (Debian `virtuoso-opensource-7-bin`) on free 127.0.0.1 ports, for tests.

Started in the foreground from a minimal ini in a temporary folder (a new database each time), so a
test never touches a system instance. The Graph Store endpoint is `/sparql-graph-crud-auth` with
HTTP Digest `dba:dba` (a fresh database's administrator); `/sparql-graph-crud` reads anonymously.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

import requests
from oxserver import free_port
from requests.auth import HTTPDigestAuth

USER = PASSWORD = "dba"

INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = {d}
CaseMode = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


def binary() -> str | None:
    return shutil.which("virtuoso-t")


class VirtuosoServer:
    """`virtuoso-t +foreground +configfile DIR/virtuoso.ini`, started and stopped by PID."""

    def __init__(self, location: Path) -> None:
        self.location = location
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> VirtuosoServer:
        exe = binary()
        if exe is None:
            raise RuntimeError("Virtuoso is not installed: apt-get install virtuoso-opensource-7-bin")
        self.location.mkdir(parents=True, exist_ok=True)
        ini = self.location / "virtuoso.ini"
        ini.write_text(INI.format(d=self.location, sql=free_port(), http=self.port), encoding="utf-8")
        self.process = subprocess.Popen(
            [exe, "+foreground", "+configfile", str(ini)],
            cwd=self.location,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self.location / "virtuoso.log"
                raise RuntimeError(f"virtuoso exited: {log.read_text() if log.exists() else ''}")
            try:
                if requests.get(f"{self.url}/sparql", params={"query": "ASK {}"}, timeout=1).ok:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"virtuoso did not answer on {self.url} within {timeout} s")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        self.stop(signal.SIGKILL)

    def graph_names(self) -> set[str]:
        """The named graphs holding triples (Virtuoso's own system graphs left out)."""
        r = requests.get(
            f"{self.url}/sparql",
            params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        r.raise_for_status()
        names = {b["g"]["value"] for b in r.json()["results"]["bindings"]}
        return {
            n
            for n in names
            if "openlinksw.com" not in n and not n.startswith(("http://www.w3.org/", "http://localhost:8890/"))
        }

    def auth(self) -> HTTPDigestAuth:
        return HTTPDigestAuth(USER, PASSWORD)
