"""Ingest: pull reports in from the configured sources, raw bytes first. Source kinds form a
registry (`SOURCE_KINDS` in this package's modules, see `pipeline.registry`); each knows how to
check its options and how to ingest."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from pipeline import words
from pipeline.locks import holding
from pipeline.registry import Kind, discover
from pipeline.timeutil import utcnow

if TYPE_CHECKING:
    from pipeline.ingest.reports import Filed
    from pipeline.model import SourceConfig
    from pipeline.settings import Newsroom
    from pipeline.store import Store

Progress = Callable[[str, dict[str, Any]], None]
"""Hears of an ingest's progress: (source id, event)."""


@dataclass
class IngestSummary:
    new_reports: int = 0
    """Reports that started a story of their own."""
    duplicates: int = 0
    """Reposts clustered under an existing story, and files or pages seen before."""
    updated: int = 0
    """Pages that changed since they were fetched."""
    quarantined: int = 0
    fetched: int = 0
    """Documents fetched from the network (pages, lists, feeds, images)."""
    story_ids: list[int] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    """(item, reason) for each quarantined item."""
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(item, reason) for items left where they are (e.g. a file type not read yet)."""
    source_errors: list[tuple[str, str]] = field(default_factory=list)
    """(source id, reason) for sources that could not be read at all."""
    fetch_errors: list[tuple[str, str]] = field(default_factory=list)
    """(url, reason) for pages, feeds and photos that could not be fetched."""
    notes: list[tuple[str, str]] = field(default_factory=list)
    """(source id, note) for things worth knowing that are not failures (a page limit reached)."""
    flagged: list[tuple[str, str]] = field(default_factory=list)
    """(item, flag) for files filed with something an editor should look at (an unknown theme
    left empty): the report carries the flag to the desk, the command line says it too."""
    resolved: int = 0
    """Earlier ingest errors resolved, their item having come in fine."""
    by_source: dict[str, IngestSummary] = field(default_factory=dict)
    """Each source's own counts (filled by ingest_all)."""

    @property
    def failed(self) -> int:
        return self.quarantined + len(self.source_errors) + len(self.fetch_errors)

    def count(self, filed: Filed) -> None:
        """Count one filed report by what it turned out to be."""
        if filed.relation == "new":
            self.new_reports += 1
            self.story_ids.append(filed.story_id)
        elif filed.relation == "update":
            self.updated += 1
        else:
            self.duplicates += 1

    def merge(self, other: IngestSummary) -> None:
        self.new_reports += other.new_reports
        self.duplicates += other.duplicates
        self.updated += other.updated
        self.fetched += other.fetched
        self.quarantined += other.quarantined
        self.story_ids.extend(other.story_ids)
        self.errors.extend(other.errors)
        self.skipped.extend(other.skipped)
        self.source_errors.extend(other.source_errors)
        self.fetch_errors.extend(other.fetch_errors)
        self.notes.extend(other.notes)
        self.flagged.extend(other.flagged)
        self.resolved += other.resolved

    def describe(self) -> str:
        """The counts in one line, as `kitchen ingest` prints them."""
        return words.ingest.summary_line(
            new=self.new_reports, seen=self.duplicates, quarantined=self.quarantined, left=len(self.skipped),
            updated=self.updated, fetch_errors=len(self.fetch_errors), source_errors=len(self.source_errors))

    def problems(self) -> list[tuple[str, str]]:
        """(label, detail) for each thing a person should look at, the label in Chinese."""
        label = words.ingest.PROBLEM_LABELS
        detail = words.ingest.item_detail
        return ([(label["quarantined"], detail(item, reason)) for item, reason in self.errors]
                + [(label["left in place"], detail(item, reason)) for item, reason in self.skipped]
                + [(label["fetch failed"], detail(url, reason)) for url, reason in self.fetch_errors]
                + [(label["source failed"], detail(source, reason)) for source, reason in self.source_errors]
                + [(label["flagged"], detail(item, flag)) for item, flag in self.flagged]
                + [(label["note"], detail(source, note)) for source, note in self.notes])


class SourceKind(Kind):
    """A kind of source (`[[sources]] kind = ...`): `check_options` checks a source's table when
    kitchen.toml is loaded, `ingest` reads one configured source of this kind."""

    @classmethod
    def ingest(cls, newsroom: Newsroom, store: Store, source: SourceConfig, now: datetime,
               progress: Progress | None = None) -> IngestSummary:
        """Read the source; a bad item is counted in the summary, never raised."""
        raise NotImplementedError


@cache
def source_kinds() -> dict[str, type[SourceKind]]:
    """The source kinds, one class each, found in this package's modules (`SOURCE_KINDS`). The
    crawl process (Scrapy) lives in `pipeline.ingest.crawler` and is not imported by this."""
    return discover(__name__, "SOURCE_KINDS", SourceKind)


def ingest_all(newsroom: Newsroom, store: Store, now: datetime | None = None,
               only: str | None = None, wait_for_lock: float = 0,
               progress: Progress | None = None) -> IngestSummary:
    """Ingest every configured source (or only the one named), holding the newsroom's ingest lock
    (or raising Busy); one bad source never stops the rest."""
    if only and only not in {source.id for source in newsroom.sources}:
        raise LookupError(words.ingest.no_such_source(only))
    kinds = source_kinds()
    summary = IngestSummary()
    with holding(newsroom, "ingest", wait_for_lock):
        for source in newsroom.sources:
            if only and source.id != only:
                continue
            try:
                one = kinds[source.kind].ingest(newsroom, store, source, now or utcnow(), progress)
            except Exception as exc:  # noqa: BLE001 — a broken source is reported, the others go on
                one = IngestSummary(source_errors=[(source.id, words.ingest.source_failed(f"{type(exc).__name__}: {exc}"))])
            summary.merge(one)
            summary.by_source[source.id] = one
    return summary
