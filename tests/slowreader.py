"""A real HTTP server process that reads request bodies slowly, for upload-deadline tests.

    python tests/slowreader.py BYTES_PER_SECOND

Prints its 127.0.0.1 port, then answers every request with 204 once it has read the whole body at
about BYTES_PER_SECOND (small receive buffers, so the sender really waits for it).
"""

from __future__ import annotations

import socket
import sys
import threading
import time

STEP = 0.05  # seconds between reads


def _serve(conn: socket.socket, rate: float) -> None:
    with conn:
        head = b""
        while b"\r\n\r\n" not in head:
            got = conn.recv(4096)
            if not got:
                return
            head += got
        header, _, body = head.partition(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":", 1)[1])
                for line in header.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ),
            0,
        )
        left = length - len(body)
        while left > 0:
            quota = min(left, max(1, int(rate * STEP)))  # this step's share, in as many reads as it takes
            while quota > 0:
                got = conn.recv(quota)
                if not got:
                    return
                quota -= len(got)
                left -= len(got)
            time.sleep(STEP)
        conn.sendall(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def main() -> None:
    rate = float(sys.argv[1])
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    server.bind(("127.0.0.1", 0))
    server.listen()
    print(server.getsockname()[1], flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=_serve, args=(conn, rate), daemon=True).start()


if __name__ == "__main__":
    main()
