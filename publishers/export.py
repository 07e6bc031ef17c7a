"""The `export` channel: a ninjs JSON document per story revision, with its images, in an outbox
folder — and, when a URL is configured, POSTed to a partner platform with an HMAC signature.

Delivery is idempotent, as the ledger requires: the outbox file is written atomically and left
alone when identical bytes are already there; every POST carries an `Idempotency-Key` naming the
story revision, so a partner that honours it stores a re-sent document once.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import socket
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import words
from pipeline.faults import checkpoint
from pipeline.fsutil import atomic_copy, atomic_write, remove_stale_temp_files
from pipeline.media import media_path
from pipeline.model import Rendition
from pipeline.render.ninjs import cancellation, image_file_name, story_uri
from pipeline.settings import Newsroom
from publishers import Channel, PermanentError, Retraction, TransientError

if TYPE_CHECKING:
    import httpx

RETRYABLE_STATUS = {408, 425, 429}  # besides 5xx other than 501 and 505


class ExportChannel(Channel):
    kind = "export"
    rendition_kind = "ninjs"

    @classmethod
    def check_options(cls, options: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        known = {"outbox", "url", "secret_env", "timeout_seconds"}
        for key in options:
            if key not in known:
                problems.append((key, words.config.unknown_setting(None, sorted(known))))
        for key in ("outbox", "url", "secret_env"):
            if key in options and not isinstance(options[key], str):
                problems.append((key, words.config.must_be_text(options[key])))
        url = options.get("url", "")
        if isinstance(url, str) and url and not url.startswith(("http://", "https://")):
            problems.append(("url", words.config.not_http_url(url)))
        timeout = options.get("timeout_seconds", 10)
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 300:
            problems.append(("timeout_seconds", words.config.out_of_range(1, 300, timeout)))
        return problems

    def __init__(self, newsroom: Newsroom, options: dict[str, Any], name: str | None = None):
        super().__init__(newsroom, options, name)
        self.outbox: Path = newsroom.path(options.get("outbox", f"outbox/{self.name}"))
        self.url: str = options.get("url", "")
        self.timeout = float(options.get("timeout_seconds", 10))
        self.secret_env: str = options.get("secret_env", "KITCHEN_EXPORT_SECRET")
        self._client: httpx.Client | None = None

    def preflight(self) -> list[str]:
        if self.url and not os.environ.get(self.secret_env):
            return [words.render.secret_missing(self.secret_env)]
        return []

    def recover(self) -> None:
        remove_stale_temp_files(self.outbox)

    def story_folder(self, story_id: int) -> Path:
        return self.outbox / f"story-{story_id}"

    def publish(self, rendition: Rendition) -> dict[str, Any]:
        folder = self.story_folder(rendition.story_id)
        for image in rendition.media:
            source = media_path(self.newsroom.media_dir, image.sha256, image.ext)
            target = folder / "images" / image_file_name(image.sha256, image.ext)
            if not target.exists():
                if not source.exists():
                    raise PermanentError(words.render.image_missing(image.sha256[:12]))
                atomic_copy(source, target)
        document = folder / f"rev-{rendition.revision}.json"
        written = _write_if_changed(document, rendition.content)
        checkpoint("export.file_written")
        receipt: dict[str, Any] = {"path": str(document.relative_to(self.newsroom.root)),
                                   "sha256": rendition.sha256, "written": written}
        if self.url:
            key = f"{rendition.meta.get('uri')}#{rendition.revision}"
            receipt["http_status"] = self._post(rendition.content, key)
            checkpoint("export.posted")
        return receipt

    def retract(self, retraction: Retraction) -> dict[str, Any]:
        last = (retraction.last_receipt or {}).get("path", "")
        version = Path(last).stem.removeprefix("rev-") if last else "0"
        body = cancellation(self.newsroom, retraction.story_id, version)
        document = self.story_folder(retraction.story_id) / "canceled.json"
        _write_if_changed(document, body)
        receipt: dict[str, Any] = {"path": str(document.relative_to(self.newsroom.root)),
                                   "sha256": hashlib.sha256(body).hexdigest()}
        if self.url:
            uri = story_uri(self.newsroom, retraction.story_id)
            receipt["http_status"] = self._post(body, f"{uri}#canceled")
        return receipt

    def _post(self, body: bytes, idempotency_key: str) -> int:
        import httpx  # slow to import, and only needed when a partner URL is set

        secret = os.environ.get(self.secret_env, "")
        if not secret:
            raise PermanentError(words.render.secret_missing(self.secret_env))
        timestamp = str(int(time.time()))
        signature = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": idempotency_key,
            "X-Kitchen-Timestamp": timestamp,
            "X-Kitchen-Signature": f"sha256={signature}",
            "User-Agent": "central-kitchen-export/1",
        }
        if self._client is None:
            self._client = httpx.Client(timeout=self.timeout)
        try:
            response = self._client.post(self.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise TransientError(words.render.post_failed(self.url, failure_kind(exc), f"{type(exc).__name__}: {exc}")) from None
        status = response.status_code
        if 200 <= status < 300 or status == 409:  # 409: the partner already has this document
            return status
        if 300 <= status < 400:
            raise PermanentError(words.render.post_redirected(self.url, status, response.headers.get("location", "?")))
        detail = " ".join(response.text.split())[:160]
        message = words.render.post_failed(self.url, words.render.partner_status(status), detail)
        if status in RETRYABLE_STATUS or (500 <= status < 600 and status not in (501, 505)):
            raise TransientError(message)
        raise PermanentError(message)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def failure_kind(exc: Exception) -> str:
    """Which kind of network failure an httpx error is (a key of `words.render.POST_PROBLEMS`),
    from the errors it was raised from and, failing those, its message."""
    import ssl

    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    causes: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(causes) < 10:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    text = " ".join(str(c) for c in causes).lower()
    if any(isinstance(c, ssl.SSLError) for c in causes) or "ssl" in text or "certificate" in text:
        return "tls"
    if any(isinstance(c, socket.gaierror) for c in causes) or any(
            sign in text for sign in ("name or service not known", "nodename nor servname", "name resolution",
                                      "errno -2", "errno -3", "errno -5", "getaddrinfo")):
        return "dns"
    if any(isinstance(c, ConnectionRefusedError) for c in causes) or "refused" in text or "errno 111" in text:
        return "refused"
    if isinstance(exc, httpx.ConnectError):
        return "connect"
    if isinstance(exc, httpx.NetworkError | httpx.ProtocolError):
        return "broken"
    return "other"


def _write_if_changed(path: Path, data: bytes) -> bool:
    """Write atomically unless the same bytes are already there; True when written."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    atomic_write(path, data)
    return True


def signature_is_valid(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """What a partner runs to check a delivery came from us (used by our tests too)."""
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"sha256={expected}", header)


CHANNELS = (ExportChannel,)
