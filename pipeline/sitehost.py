"""A small static web server for the demo practice-site web and for crawl tests: real HTTP on
127.0.0.1 with ETag / Last-Modified and 304s, plus per-path header overrides (`_headers.json`),
redirects (`_redirects.json`) and status codes (`_status.json`). It logs every request, so a test
can say exactly what a crawl fetched. `_delays.json` makes chosen paths slow."""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import json
import mimetypes
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit


@dataclass
class SiteHost:
    root: Path
    base_url: str = ""
    log: list[tuple[str, str, int]] = field(default_factory=list)  # (method, path, status)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fetched(self, status: int | None = None) -> list[str]:
        with self.lock:
            return [path for _, path, code in self.log if status is None or code == status]

    def clear(self) -> None:
        with self.lock:
            self.log.clear()


class PortUnavailable(OSError):
    """The port to serve on is taken (or not ours to take)."""

    def __init__(self, port: int, code: int | None, reason: str):
        super().__init__(code, reason)
        self.port = port
        self.reason = reason


def _control(root: Path, name: str) -> dict[str, Any]:
    path = root / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


@contextmanager
def serve(root: Path, port: int = 0, jail: Path | None = None) -> Iterator[SiteHost]:
    """Serve `root` on 127.0.0.1 (a free port unless given) until the block ends. Files are looked
    up under `root` as given (it may be a link, like a site's `live`), and must resolve inside
    `jail` (default: root itself)."""
    host = SiteHost(root=root)
    boundary = (jail or root).resolve()
    headers_for, redirects, statuses, delays = (
        _control(root, n) for n in ("_headers.json", "_redirects.json", "_status.json", "_delays.json"))

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 — http.server's naming
            path = unquote(urlsplit(self.path).path)
            if path in delays:  # a slow page, for timeout tests
                time.sleep(float(delays[path]))
            status, body, extra = self._answer(path)
            # The client may have given up (a crawler's timeout or size cap): that is normal.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            with host.lock:
                host.log.append(("GET", path, status))

        def _answer(self, path: str) -> tuple[int, bytes, dict[str, str]]:
            if path in redirects:
                return 302, b"", {"Location": redirects[path]}
            if path in statuses:
                return int(statuses[path]), b"<h1>error</h1>", {"Content-Type": "text/html"}
            if ".." in path.split("/") or "\x00" in path:
                return 404, b"not found", {"Content-Type": "text/plain"}
            file = (host.root / (path.lstrip("/") or "index.html")).resolve()
            if not file.is_relative_to(boundary):
                return 404, b"not found", {"Content-Type": "text/plain"}
            if file.is_dir():
                if not path.endswith("/"):  # as web servers do: the folder's address ends with a slash
                    raw = urlsplit(self.path)
                    return 301, b"", {"Location": raw.path + "/" + (f"?{raw.query}" if raw.query else "")}
                file = file / "index.html"
            if not file.is_file() or file.name.startswith("_"):
                page = host.root / "404.html"  # a site's own 404 page, as a web server would serve it
                body = page.read_bytes() if page.is_file() else b"<h1>404</h1>"
                return 404, body, {"Content-Type": "text/html; charset=utf-8"}
            data = file.read_bytes()
            etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
            modified = email.utils.formatdate(file.stat().st_mtime, usegmt=True)
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            headers = {"Content-Type": f"{kind}; charset=utf-8" if kind.startswith("text/") or kind.endswith("xml") else kind,
                       "ETag": etag, "Last-Modified": modified, **headers_for.get(path, {})}
            if self.headers.get("If-None-Match") == etag or (
                    not self.headers.get("If-None-Match") and self.headers.get("If-Modified-Since") == modified):
                return 304, b"", {"ETag": etag, "Last-Modified": modified}
            return 200, data, headers

        def log_message(self, *args: Any) -> None:
            return

    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    except OSError as exc:
        raise PortUnavailable(port, exc.errno, exc.strerror or str(exc)) from exc
    host.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield host
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str]) -> int:
    """`python -m pipeline.sitehost FOLDER [PORT]`: serve a folder until interrupted (prints its URL)."""
    with serve(Path(argv[0]), int(argv[1]) if len(argv) > 1 else 0) as host:
        sys.stdout.write(host.base_url + "\n")
        sys.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
