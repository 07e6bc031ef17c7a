"""`kitchen demo` builds the fictional county's newsroom and runs every stage that exists."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pipeline import ledger
from pipeline.config import load_newsroom
from pipeline.demo import run_demo
from pipeline.scaffold import ScaffoldError
from pipeline.store import open_store
from pipeline.stories import count_by_state
from tests.conftest import NOW


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    return run_demo(tmp_path_factory.mktemp("demo") / "county", now=NOW)


def test_demo_county_has_the_four_levels(demo) -> None:
    newsroom = load_newsroom(demo.root)
    levels = Counter(s.level for s in newsroom.stations.values())
    assert levels["center"] == 1 and levels["institute"] >= 3
    assert levels["station"] >= 10 and levels["point"] >= 20
    assert all(s.lat is not None and s.township for s in newsroom.stations.values() if s.level != "center")


def test_demo_runs_ingest_workflow_and_publishing(demo) -> None:
    newsroom = load_newsroom(demo.root)
    store = open_store(newsroom)
    with store.begin() as conn:
        states = count_by_state(conn)
        pubs = ledger.list_publications(conn)
    assert sum(states.values()) >= 20
    assert {"published", "approved", "in_review", "draft", "rejected", "killed"} <= set(states)
    quarantined = sorted(p.name for p in (demo.root / "inbox/_quarantine").iterdir())
    assert quarantined == ["bad-no-title.md", "bad-no-title.md.reason.txt",
                           "bad-unknown-station.md", "bad-unknown-station.md.reason.txt"]
    assert not [p for p in (demo.root / "inbox").iterdir() if p.is_file()]  # everything was handled
    outbox = demo.root / "outbox/export"
    assert len(list(outbox.glob("story-*/rev-1.json"))) == states["published"] + states["killed"]
    site = demo.root / "site" / "live"
    assert (site / "index.html").exists() and (site / "map" / "stations.geojson").exists()
    articles = [p for p in site.glob("20*/*/*-*/index.html")]
    assert len(articles) == states["published"]  # the killed story is not on the site
    import feedparser

    assert feedparser.parse((site / "feed.xml").read_bytes()).bozo == 0
    assert len(list(outbox.glob("story-*/rev-2.json"))) == 1  # the correction
    assert len(list(outbox.glob("story-*/canceled.json"))) == 1  # the kill
    pending = [p for p in pubs if p.state == "pending" and p.story_id is not None]
    assert len(pending) == 4 * states["approved"] and all(p.due_at > NOW for p in pending)  # web, rss, export, loudspeaker
    # the coming slots' packages wait for their time, but tomorrow morning's, which the demo built
    # ahead of time as deliveries of their own rows
    packages = [p for p in pubs if p.unit.startswith("broadcast:")]
    built = {p.unit for p in packages if p.state == "done"}
    assert built == {package.manifest["unit"] for package in demo.packages} and built
    assert all(p.state == "pending" and p.due_at > NOW for p in packages if p.unit not in built)
    assert {row[0] for row in demo.rows} >= {"newsroom", "store", "inbox", "quarantine", "workflow", "export",
                                            "crawl qiaotou-site", "crawl qingshi-feed", "web", "rss"}


def test_the_gbk_report_arrives_with_its_chinese_intact(demo) -> None:
    store = open_store(load_newsroom(demo.root))
    from pipeline.stories import list_stories

    with store.begin() as conn:
        titles = [row.title for row in list_stories(conn)]
    assert not any("\ufffd" in title for title in titles)
    assert (demo.root / "inbox/_done/2026-11-19-qingshi-shanxia-cunshi-gbk.txt").exists()


def test_demo_rebuilds_its_own_folder_but_never_someone_elses(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    run_demo(target, now=NOW, quick=True)
    run_demo(target, now=NOW, quick=True)  # a second run starts fresh
    store = open_store(load_newsroom(target))
    with store.begin() as conn:
        assert sum(count_by_state(conn).values()) == 25 + 32  # inbox files + crawled articles (one is a repost)
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="not a demo newsroom"):
        run_demo(precious, now=NOW, quick=True)
    assert (precious / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_the_demo_renders_cards_and_clips_and_broadcasts_every_township(demo) -> None:
    import json

    cards, clips = demo.rendered
    assert len(cards.made) >= 3 * 40 and not cards.failed
    assert {kind for _, kind in clips.made} == {"clip-vertical", "clip-landscape"} and not clips.failed
    targets = {p.manifest["target"]["id"] for p in demo.packages}
    assert {"chengguan", "qiaotou", "baisha", "qingshi"} <= targets and "qiaotou-dongcun" in targets  # its own notice
    for package in demo.packages:
        manifest = json.loads((package.folder / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["seconds"] <= manifest["slot_seconds"] and manifest["engine"] == "espeak"
        assert abs(manifest["loudness"]["integrated_lufs"] + 16) <= 0.5
        assert manifest["items"][1]["kind"] == "emergency"  # the demo's cold-wave warning opens every broadcast
        assert (package.folder / "audio.mp3").stat().st_size > 10_000
