"""Recognising the same report twice: canonical URLs, a normalised-text hash, and MinHash on
character trigrams for near-duplicates.

Stations reuse wording templates (two different events can read 80 % alike), so a near-duplicate
is merged into an existing story only when the station or the place also matches and the dates
are within two days; otherwise it is only marked as related. Nothing is deleted: every duplicate
stays a report of its own, listed as a source of the story it was clustered under.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pipeline import words

if TYPE_CHECKING:  # datasketch pulls in numpy and scipy: imported when first needed, not at start-up
    from datasketch import MinHash

NUM_PERM = 128
SCHEME = "affine32"  # fixed, so signatures stored today compare with those made later
NEAR_DUPLICATE = 0.7
MERGE_WINDOW = timedelta(days=2)
TRACKING = re.compile(r"^(utm_\w+|spm|from|isappinstalled|scene|srcid|sharer_\w+|clicktime|enterid|"
                      r"chksm|mpshare|subscene|sessionid|ascene|devicetype|version|pass_ticket|"
                      r"wx_header|share_token|exportkey|nettype|lang|fontscale|_t|timestamp|t)$", re.IGNORECASE)
WECHAT_KEEP = {"__biz", "mid", "idx", "sn"}


def canonical_url(url: str) -> str:
    """The URL without fragments, tracking parameters and WeChat's per-share keys; host lowercased,
    default ports dropped, query sorted."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower() or "http"
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if host == "mp.weixin.qq.com":
        pairs = [(k, v) for k, v in pairs if k in WECHAT_KEEP]
        scheme = "https"
    else:
        pairs = [(k, v) for k, v in pairs if not TRACKING.match(k)]
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    return urlunsplit((scheme, netloc, path, urlencode(sorted(pairs)), ""))


def normalise_text(text: str) -> str:
    """Only letters and digits, NFKC-folded: what stays the same when a repost reflows the text."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if ch.isalnum()).lower()


def text_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def minhash_of(text: str) -> MinHash:
    from datasketch import MinHash  # datasketch and numpy load only when a report is compared

    flat = normalise_text(text)
    signature = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
    grams = {flat[i:i + 3] for i in range(max(1, len(flat) - 2))}
    signature.update_batch([gram.encode("utf-8") for gram in grams])
    return signature


def minhash_bytes(signature: MinHash) -> bytes:
    import numpy as np

    return signature.hashvalues.astype(np.uint32).tobytes()


@dataclass(frozen=True)
class EarlierReport:
    """An earlier report, as the decision needs it."""

    report_id: int
    story_id: int | None
    station_id: str
    place: tuple[str, str]  # (township, village)
    published_at: datetime | None
    text_hash: str | None
    minhash: bytes | None
    canonical_url: str | None
    source_id: str = ""


@dataclass(frozen=True)
class Decision:
    relation: str  # new | duplicate | update | seen
    story_id: int | None = None  # the story it joins (duplicate/update/seen)
    related: tuple[int, ...] = ()
    similarity: float = 0.0
    reason: str = ""


def similarities(signature: MinHash, candidates: list[EarlierReport]) -> list[float]:
    """Estimated Jaccard similarity to every candidate at once (vectorised: thousands per ms)."""
    import numpy as np

    signatures = [c.minhash for c in candidates if c.minhash is not None]
    if not signatures:
        return [0.0] * len(candidates)
    matrix = np.frombuffer(b"".join(signatures), dtype=np.uint32).reshape(len(signatures), -1)
    scores = iter((matrix == signature.hashvalues.astype(np.uint32)).mean(axis=1).tolist())
    return [next(scores) if c.minhash is not None else 0.0 for c in candidates]


def decide(*, canonical: str | None, digest: str, signature: MinHash, station_id: str,
           place: tuple[str, str], published_at: datetime | None, candidates: list[EarlierReport],
           source_id: str = "") -> Decision:
    """Is this report new, the same page again (seen/update), a repost, or only related?"""
    if canonical:
        for earlier in reversed(candidates):  # the latest copy of the page is the one to compare with
            if earlier.canonical_url == canonical and earlier.story_id is not None:
                if earlier.text_hash == digest:
                    return Decision("seen", earlier.story_id, reason=words.ingest.same_page_same_text())
                if earlier.source_id == source_id:
                    return Decision("update", earlier.story_id, reason=words.ingest.page_changed())
                return Decision("duplicate", earlier.story_id, reason=words.ingest.same_page_other_source())
    for earlier in candidates:
        if earlier.text_hash == digest and earlier.story_id is not None:
            return Decision("duplicate", earlier.story_id, similarity=1.0, reason=words.ingest.same_text_repost())
    related = [(score, earlier) for score, earlier in zip(similarities(signature, candidates), candidates, strict=True)
               if score >= NEAR_DUPLICATE and earlier.story_id is not None]
    related.sort(key=lambda pair: -pair[0])
    for similarity, earlier in related:
        same_place = earlier.station_id == station_id or (all(place) and earlier.place == place)
        close_in_time = (published_at is None or earlier.published_at is None
                         or abs(published_at - earlier.published_at) <= MERGE_WINDOW)
        if same_place and close_in_time:
            return Decision("duplicate", earlier.story_id, similarity=similarity,
                            reason=words.ingest.alike_same_place(similarity))
    stories = tuple(dict.fromkeys(earlier.story_id for _, earlier in related if earlier.story_id))
    return Decision("new", related=stories, similarity=related[0][0] if related else 0.0,
                    reason=words.ingest.alike_other_place() if related else "")
