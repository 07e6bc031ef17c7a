"""Ingest: pull reports in from the configured sources, raw bytes first. Source kinds form a
registry keyed by `kind`; each knows how to check its options and how to ingest."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pipeline.config import Newsroom
    from pipeline.model import SourceConfig
    from pipeline.store import Store


@dataclass
class IngestSummary:
    new_reports: int = 0
    duplicates: int = 0
    quarantined: int = 0
    story_ids: list[int] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def merge(self, other: IngestSummary) -> None:
        self.new_reports += other.new_reports
        self.duplicates += other.duplicates
        self.quarantined += other.quarantined
        self.story_ids.extend(other.story_ids)
        self.errors.extend(other.errors)

    def describe(self) -> str:
        return (f"{self.new_reports} new report(s), {self.duplicates} already seen, "
                f"{self.quarantined} quarantined")


class SourceKind(Protocol):
    @staticmethod
    def check_options(options: dict[str, Any]) -> list[tuple[str, str]]: ...

    @staticmethod
    def ingest(newsroom: Newsroom, store: Store, source: SourceConfig, now: datetime) -> IngestSummary: ...


def source_kinds() -> dict[str, SourceKind]:
    from pipeline.ingest import inbox

    return {"inbox": inbox.InboxSource}


def ingest_all(newsroom: Newsroom, store: Store, now: datetime | None = None,
               only: str | None = None) -> IngestSummary:
    """Ingest every configured source (or only the one named); one bad source never stops the rest."""
    from pipeline.timeutil import utcnow

    kinds = source_kinds()
    summary = IngestSummary()
    for source in newsroom.sources:
        if only and source.id != only:
            continue
        try:
            summary.merge(kinds[source.kind].ingest(newsroom, store, source, now or utcnow()))
        except Exception as exc:  # noqa: BLE001 — a broken source is reported, the others go on
            summary.errors.append((source.id, f"{type(exc).__name__}: {exc}"))
    return summary
