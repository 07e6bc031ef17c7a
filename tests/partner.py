"""A partner platform for tests: a real HTTP server on 127.0.0.1 that checks our HMAC signature,
honours Idempotency-Key (a re-sent document is stored once), and can be told to fail."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from publishers.export import signature_is_valid

SECRET = "test-shared-secret"


@dataclass
class Partner:
    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    stored: dict[str, bytes] = field(default_factory=dict)
    fail_next: list[int] = field(default_factory=list)  # status codes to answer with, in order
    lock: threading.Lock = field(default_factory=threading.Lock)

    def documents(self) -> list[dict[str, Any]]:
        with self.lock:
            return [json.loads(body) for body in self.stored.values()]


@contextmanager
def running_partner() -> Iterator[Partner]:
    partner = Partner()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 — http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            key = self.headers.get("Idempotency-Key", "")
            valid = signature_is_valid(SECRET, self.headers.get("X-Kitchen-Timestamp", ""), body,
                                       self.headers.get("X-Kitchen-Signature", ""))
            with partner.lock:
                partner.requests.append({"key": key, "valid": valid, "body": body})
                status = partner.fail_next.pop(0) if partner.fail_next else (200 if valid else 401)
                if status == 200:
                    partner.stored.setdefault(key, body)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"ok": true}' if status == 200 else b'{"error": "no"}')

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    partner.url = f"http://127.0.0.1:{server.server_address[1]}/ingest"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield partner
    finally:
        server.shutdown()
        server.server_close()
