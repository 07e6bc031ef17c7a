"""The loudspeaker channel: rundowns that fit the slot, local news first, notices read twice,
emergencies first and last, scripts in spoken form with pinyin, packages whose files match their
manifest, real espeak audio normalised to the target, and packages built through the ledger."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from pipeline import ledger
from pipeline.config import load_newsroom
from pipeline.ingest import ingest_all
from pipeline.render import broadcast
from pipeline.schedule import publish_due
from pipeline.store import open_store
from pipeline.stories import Actor
from pipeline.timeutil import utcnow
from pipeline.words import seconds_text
from pipeline.workflow import perform
from tests.conftest import NOW, make_newsroom, replace_in_config, write_report

EDITOR, CHIEF = Actor("王编辑", "editor"), Actor("李主任", "chief")
DAY = date(2026, 11, 30)  # the morning after NOW (2026-11-29 10:00 in Shanghai)
LONG = "村民们纷纷表示，这样的活动接地气、有温度，希望以后多多举办。" * 12


def notice(root: Path, name: str, title: str, text: str, **front: object) -> None:
    folder = root / "broadcast" / "notices"
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"title: {title}"] + [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in front.items()]
    (folder / f"{name}.md").write_text("---\n" + "\n".join(lines) + "\n---\n" + text + "\n", encoding="utf-8")


@pytest.fixture
def newsroom_on_air(tmp_path: Path):
    return on_air(tmp_path)


def on_air(tmp_path: Path, engine: str = "none"):
    """Four stories approved for the loudspeaker and in its pool (not on the site), the demo's
    stations; `engine` reads the packages (none: scripts only)."""
    root = make_newsroom(tmp_path / "newsroom", channels='["web", "loudspeaker"]')
    shutil.copyfile(Path(__file__).parents[1] / "assets" / "demo" / "stations.csv", root / "stations.csv")
    replace_in_config(root, '[channels.export]', f'[channels.loudspeaker]\nengine = "{engine}"\n\n[channels.export]')
    write_report(root, "a.md", title="东村开展板凳课堂理论宣讲", station="qiaotou-dongcun", date="2026-11-28 09:30",
                 body="11月28日上午9:30，东村文明实践站开展板凳课堂，60余名村民参加。咨询电话0523-86123456。")
    write_report(root, "b.md", title="新桥村志愿者清扫河道", station="baisha-xinqiao", date="2026-11-28 08:00",
                 body="新桥村30名志愿者沿河清理垃圾2.5公里。")
    write_report(root, "c.md", title="县文明实践中心部署冬季志愿服务", station="center", date="2026-11-27 15:00",
                 body="全县将开展为期3个月的冬季志愿服务，重点关爱留守老人。")
    write_report(root, "d.md", title="刘家村举办移风易俗宣讲", station="qiaotou-liujia", date="2026-11-28 19:00",
                 body="刘家村红白理事会向村民宣讲婚事新办、丧事简办。" + LONG)
    newsroom = load_newsroom(root)
    store = open_store(newsroom)
    ids = ingest_all(newsroom, store, now=NOW).story_ids
    with store.begin() as conn:
        for story_id in ids:
            perform(conn, newsroom, story_id, "approve", EDITOR, NOW, channels=["loudspeaker"])
    publish_due(newsroom, store, now=NOW)
    return newsroom, store, ids


def morning(newsroom):
    return broadcast.slot_named(newsroom, "morning")


def rundown_of(newsroom, store, target, minutes=None, day=DAY):
    slot = morning(newsroom)
    if minutes is not None:
        slot = type(slot)(slot.name, slot.start, minutes)
    with store.read() as conn:
        return broadcast.rundowns(conn, newsroom, day, slot, target)[0]


def test_a_township_hears_its_own_news_first_then_the_county_and_not_other_townships(newsroom_on_air) -> None:
    newsroom, store, (a, b, c, d) = newsroom_on_air
    rundown = rundown_of(newsroom, store, "qiaotou")
    stories = [p.ref for p in rundown.parts if p.kind in ("story", "brief")]
    assert stories[:2] == [str(d), str(a)] and stories[2:] == [str(c)]  # local (newest first), then county-wide
    assert str(b) not in stories  # 白沙镇's news is not read in 桥头镇
    assert rundown.parts[0].kind == "opening" and rundown.parts[-1].kind == "closing"
    opening = rundown.parts[0].spoken
    assert "早上好" in opening and "二〇二六年十一月三十日，星期一" in opening and "桥头镇" in opening
    story = next(p for p in rundown.parts if p.ref == str(a))
    assert "九点三十分" in story.spoken and "零五二三八六幺二三四五六" in story.spoken and "六十余名" in story.spoken
    assert rundown.seconds <= rundown.budget


def test_the_rundown_never_overruns_and_says_what_was_left_out(newsroom_on_air) -> None:
    newsroom, store, (a, _, c, d) = newsroom_on_air
    for minutes in (1, 2, 3, 10):
        rundown = rundown_of(newsroom, store, "qiaotou", minutes=minutes)
        assert rundown.seconds <= minutes * 60, minutes
    tight = rundown_of(newsroom, store, "qiaotou", minutes=1)
    assert tight.left_out and all(reason for _, _, reason in tight.left_out)
    assert any("时长不够" in reason for _, _, reason in tight.left_out)
    roomy = rundown_of(newsroom, store, "qiaotou", minutes=10)
    assert not roomy.left_out
    mid = rundown_of(newsroom, store, "qiaotou", minutes=2)
    assert any(p.kind == "brief" and p.ref == str(d) for p in mid.parts) or str(d) in [r for r, _, _ in mid.left_out]


def test_notices_are_read_twice_and_emergencies_open_and_close_the_broadcast(newsroom_on_air) -> None:
    newsroom, store, _ = newsroom_on_air
    notice(newsroom.root, "cold", "寒潮预警", "12月1日起气温将下降8℃，最低-5℃，请做好防寒。", emergency=True)
    notice(newsroom.root, "vaccine", "疫苗接种通知", "本周六上午8:00在村卫生室接种流感疫苗。", targets=["qiaotou"])
    notice(newsroom.root, "old", "过期通知", "早已结束。", until="2026-11-01")
    rundown = rundown_of(newsroom, store, "qiaotou")
    kinds = [p.kind for p in rundown.parts]
    assert kinds[1] == "emergency" and kinds[-2] == "emergency" and kinds.count("notice") == 1
    assert rundown.parts[1].repeat == 2 and "零下五摄氏度" in rundown.parts[1].spoken
    assert next(p for p in rundown.parts if p.kind == "notice").repeat == 2
    assert "过期通知" not in [p.title for p in rundown.parts]
    baisha = rundown_of(newsroom, store, "baisha")
    assert "疫苗接种通知" not in [p.title for p in baisha.parts] and baisha.parts[1].kind == "emergency"


def test_a_village_with_a_notice_of_its_own_gets_its_own_package(newsroom_on_air) -> None:
    newsroom, store, _ = newsroom_on_air
    notice(newsroom.root, "water", "停水通知", "明天上午东村停水两小时。", targets=["qiaotou-dongcun"])
    with store.read() as conn:
        found = {r.target.id: r for r in broadcast.rundowns(conn, newsroom, DAY, morning(newsroom))}
    assert set(found) == {"chengguan", "qiaotou", "baisha", "qingshi", "qiaotou-dongcun"}
    assert "停水通知" in [p.title for p in found["qiaotou-dongcun"].parts]
    assert "停水通知" not in [p.title for p in found["qiaotou"].parts]
    assert found["qiaotou-dongcun"].target.name == "东村"


def test_a_package_holds_what_its_manifest_says(newsroom_on_air) -> None:
    newsroom, store, (a, _, _, _) = newsroom_on_air
    (newsroom.root / "broadcast").mkdir(exist_ok=True)
    (newsroom.root / "broadcast" / "pronunciations.toml").write_text('[terms]\n"东村" = "dōng cūn"\n', encoding="utf-8")
    dialects = newsroom.root / "broadcast" / "dialects"
    dialects.mkdir()
    (dialects / "qiaotou.toml").write_text('[terms]\n"村民" = "乡亲们"\n', encoding="utf-8")
    rundown = rundown_of(newsroom, store, "qiaotou")
    package = broadcast.build_package(newsroom, rundown, broadcast.settings_for(newsroom))
    folder = package.folder
    assert folder == newsroom.root / "outbox" / "loudspeaker" / "2026-11-30" / "morning" / "qiaotou"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert set(manifest["files"]) == {"script.txt", "script.html", "script-dialect.txt"}  # engine none: no audio
    assert manifest["engine"] == "none" and manifest["seconds"] <= manifest["slot_seconds"]
    assert [i["start"] for i in manifest["items"]] == sorted(i["start"] for i in manifest["items"])
    html = (folder / "script.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html and "<ruby>东村<rt>dōng cūn</rt></ruby>" in html
    assert "乡亲们" in (folder / "script-dialect.txt").read_text(encoding="utf-8")
    text = (folder / "script.txt").read_text(encoding="utf-8")
    assert text.startswith("桥头镇 · 11月30日 06:30 早间广播（时长10分钟）") and "[00:" in text
    assert "morning" not in text and manifest["title"] == "11月30日 早间 · 桥头镇" and manifest["slot_title"] == "早间"
    item = next(i for i in manifest["items"] if i["ref"] == str(a))
    assert ["9:30", "九点三十分"] in item["rewritten"]
    again = broadcast.build_package(newsroom, rundown_of(newsroom, store, "qiaotou"), broadcast.settings_for(newsroom))
    assert again.files == package.files  # deterministic
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # nothing half made left behind


def test_espeak_audio_is_real_normalised_and_fits_the_slot(newsroom_on_air) -> None:
    from pipeline.render.sound import measure, mp3_seconds

    newsroom, store, _ = newsroom_on_air
    notice(newsroom.root, "vaccine", "疫苗接种通知", "本周六上午8:00在村卫生室接种流感疫苗。", targets=["qiaotou"])
    rundown = rundown_of(newsroom, store, "qiaotou", minutes=2)
    package = broadcast.build_package(newsroom, rundown, broadcast.settings_for(newsroom), engine="espeak")
    folder, manifest = package.folder, package.manifest
    assert {"audio.mp3", "playlist.m3u"} <= set(manifest["files"])
    seconds = mp3_seconds(folder / "audio.mp3")
    assert abs(seconds - manifest["seconds"]) < 0.5 and seconds <= 120
    loud = measure(folder / "audio.mp3")
    assert abs(loud.integrated_lufs - (-16.0)) <= 0.5 and abs(manifest["loudness"]["integrated_lufs"] - loud.integrated_lufs) < 0.2
    playlist = (folder / "playlist.m3u").read_text(encoding="utf-8").splitlines()
    entries = [line for line in playlist if line.startswith("parts/")]
    assert playlist[0] == "#EXTM3U" and len(entries) == len(manifest["items"])
    assert all((folder / entry).is_file() for entry in entries)
    durations = [int(line.split(":", 1)[1].split(",", 1)[0]) for line in playlist if line.startswith("#EXTINF:")]
    assert abs(sum(durations) - seconds) <= len(durations)  # whole seconds each
    # the podcast of the broadcasts, on the site: it lists the packages the ledger delivered
    import feedparser

    from pipeline import ledger
    from pipeline.render.site import build_site

    with store.begin() as conn:  # the package's row (scheduled by the fixture's run) records this delivery
        (row,) = [p for p in ledger.list_publications(conn, channel="loudspeaker") if p.unit == rundown.unit]
        claimed = ledger.claim_due(conn, "test", row.due_at, timedelta(minutes=5), limit=100)
        ledger.mark_done(conn, next(p for p in claimed if p.id == row.id), "test",
                         {"folder": str(folder.relative_to(newsroom.root))}, row.due_at)
        build_site(newsroom, conn)
    live = newsroom.root / "site" / "live"
    xml = (live / "broadcasts" / "podcast.xml").read_bytes()
    feed = feedparser.parse(xml)
    assert feed.bozo == 0 and b"<itunes:explicit>false</itunes:explicit>" in xml
    assert b'<itunes:image href="https://news.test.example.cn/broadcasts/cover.jpg"/>' in xml
    assert (live / "broadcasts" / "cover.jpg").is_file()
    (episode,) = feed.entries
    assert episode.title.startswith("桥头镇 11月30日早间广播") and episode.itunes_duration.count(":") == 2
    (enclosure,) = [link for link in episode.links if link.rel == "enclosure"]
    assert enclosure.type == "audio/mpeg" and int(enclosure.length) == (folder / "audio.mp3").stat().st_size
    served = live / enclosure.href.split("/", 3)[3]
    assert served.read_bytes() == (folder / "audio.mp3").read_bytes()


def test_packages_are_built_through_the_ledger_before_air_and_only_once(newsroom_on_air) -> None:
    from pipeline import ledger

    newsroom, store, _ = newsroom_on_air
    evening = datetime(2026, 11, 29, 9, 0, tzinfo=NOW.tzinfo)  # 17:00 in Shanghai: the 18:00 slot is due
    result = publish_due(newsroom, store, now=evening)
    assert result.scheduled_units > 0 and result.published == 4  # the four townships' evening packages
    folder = newsroom.root / "outbox" / "loudspeaker" / "2026-11-29" / "evening"
    assert sorted(p.name for p in folder.iterdir()) == ["baisha", "chengguan", "qiaotou", "qingshi"]
    assert publish_due(newsroom, store, now=evening + timedelta(minutes=5)).published == 0  # exactly once
    with store.read() as conn:
        rows = [p for p in ledger.list_publications(conn) if p.unit.startswith("broadcast:2026-11-29:evening")]
    assert len(rows) == 4 and all(p.state == "done" for p in rows)
    # the morning packages of the next day wait for their lead time; once air time passes, they are cancelled
    late = datetime(2026, 11, 29, 23, 0, tzinfo=NOW.tzinfo)  # 07:00 in Shanghai, after the 06:30 broadcast
    with store.begin() as conn:
        broadcast.schedule_packages(conn, newsroom, evening)
    assert publish_due(newsroom, store, now=late).cancelled >= 4


def test_a_killed_story_leaves_the_next_broadcast(newsroom_on_air) -> None:
    newsroom, store, (a, _, _, _) = newsroom_on_air
    with store.begin() as conn:
        perform(conn, newsroom, a, "kill", CHIEF, NOW, note="信息有误")
    publish_due(newsroom, store, now=NOW)
    rundown = rundown_of(newsroom, store, "qiaotou")
    assert str(a) not in [p.ref for p in rundown.parts]


def test_the_broadcast_command_builds_a_slot(newsroom_on_air) -> None:
    """`kitchen broadcast build` builds a slot's packages now, as deliveries through the ledger (the
    command runs on the real clock: tomorrow's morning is still to air, 2026-11-30's is past)."""
    from tests.conftest import Kitchen

    newsroom, store, _ = newsroom_on_air
    kitchen = Kitchen(newsroom.root)
    tomorrow = (utcnow().astimezone(newsroom.tz) + timedelta(days=1)).date()
    output = kitchen("broadcast", "build", "--date", str(tomorrow), "--slot", "morning", "--township", "qiaotou")
    assert "桥头镇 (qiaotou)" in output and "仅文字稿" in output
    assert (newsroom.root / f"outbox/loudspeaker/{tomorrow}/morning/qiaotou/script.html").is_file()
    with store.read() as conn:
        (row,) = [p for p in ledger.list_publications(conn, channel="loudspeaker")
                  if p.unit == f"broadcast:{tomorrow}:morning:qiaotou"]
    assert row.state == "done" and row.receipt["folder"] == f"outbox/loudspeaker/{tomorrow}/morning/qiaotou"
    past = kitchen("broadcast", "build", "--date", "2026-11-30", "--slot", "morning", "--township", "qiaotou")
    assert "已取消" in past and "播出时间已过" in past and not (newsroom.root / "outbox/loudspeaker/2026-11-30/morning/qiaotou").exists()
    assert "没有可以广播的镇（街道）或村“nowhere”" in kitchen("broadcast", "build", "--township", "nowhere", expect=1)
    assert "espeak" in kitchen("tts", "check")


def test_editors_see_what_was_rewritten_for_speech(newsroom_on_air) -> None:
    from tests.conftest import Kitchen

    newsroom, _, (a, _, _, _) = newsroom_on_air
    output = Kitchen(newsroom.root)("broadcast", "spoken", str(a))
    assert "九点三十分" in output and "9:30 → 九点三十分" in output and "朗读时长：约" in output and "reading" not in output
    assert "0523-86123456 → 零五二三八六幺二三四五六" in output


def test_a_broken_notice_is_reported_and_the_broadcast_goes_on_without_it(newsroom_on_air) -> None:
    from tests.conftest import Kitchen

    newsroom, store, _ = newsroom_on_air
    folder = newsroom.root / "broadcast" / "notices"
    folder.mkdir(parents=True, exist_ok=True)  # kitchen init makes it
    (folder / "half.md").write_text("---\ntitle: 没写完的通知\n正文没有结束标记", encoding="utf-8")
    (folder / "nowhere.md").write_text("---\ntitle: 通知\ntargets: [nowhere]\n---\n正文。\n", encoding="utf-8")
    output = Kitchen(newsroom.root)("check", expect=1)
    assert "broadcast/notices/half.md: 前言没有用一行 --- 结束" in output
    assert "broadcast/notices/nowhere.md: targets 里有未知的站点：nowhere" in output
    rundown = rundown_of(newsroom, store, "qiaotou")  # on air without the broken notices, saying so
    assert any("half.md" in title and "文件有误" in reason for _, title, reason in rundown.left_out)
    evening = datetime(2026, 11, 29, 9, 0, tzinfo=NOW.tzinfo)
    assert publish_due(newsroom, store, now=evening).published == 4
    manifest = json.loads((newsroom.root / "outbox/loudspeaker/2026-11-29/evening/qiaotou/manifest.json").read_text(encoding="utf-8"))
    assert any("nowhere.md" in item["title"] for item in manifest["left_out"])


def test_a_package_reads_each_story_as_its_stored_spoken_rendition(newsroom_on_air) -> None:
    from sqlalchemy import update

    from pipeline import store as t
    from pipeline.render import ensure_rendition
    from pipeline.stories import get_story

    newsroom, store, (a, _, _, _) = newsroom_on_air
    rundown = rundown_of(newsroom, store, "qiaotou", minutes=2)
    read = {p.ref: p.kind for p in rundown.parts if p.kind in ("story", "brief")}
    assert "story" in read.values() and "brief" in read.values()
    package = broadcast.build_package(newsroom, rundown, broadcast.settings_for(newsroom))
    lines = (package.folder / "script.txt").read_text(encoding="utf-8").splitlines()
    labels = {"story": "新闻", "brief": "简讯"}
    with store.begin() as conn:  # what the desk previews: the stored rendition at the newsroom's rate
        stored = {ref: json.loads(ensure_rendition(conn, newsroom, int(ref), get_story(conn, int(ref)).current_revision,
                                                   "spoken", NOW).content) for ref in read}
    for item in (i for i in package.manifest["items"] if i["kind"] in labels):
        heading = next(n for n, line in enumerate(lines) if f"{labels[item['kind']]}：{item['title']}" in line)
        rendition = stored[item["ref"]]
        expected = rendition["spoken"] if item["kind"] == "story" else rendition["brief"]["spoken"]
        assert lines[heading + 1] == expected, item["ref"]
        assert item["estimated_seconds"] == (rendition["seconds"] if item["kind"] == "story"
                                             else rendition["brief"]["seconds"])
    # the rundown reads the stored rendition itself, not a second making of the spoken form
    with store.begin() as conn:
        r = t.renditions
        rows = conn.execute(r.select().where(r.c.story_id == a, r.c.kind == "spoken")).all()
        assert len(rows) == 1
        data = {**json.loads(rows[0].content), "spoken": "东村板凳课堂，这是播音稿。"}
        conn.execute(update(r).where(r.c.id == rows[0].id).values(content=json.dumps(data, ensure_ascii=False).encode()))
    again = rundown_of(newsroom, store, "qiaotou", minutes=10)
    assert next(p for p in again.parts if p.ref == str(a)).spoken == "东村板凳课堂，这是播音稿。"


def test_a_second_loudspeaker_channel_builds_its_own_packages(tmp_path: Path) -> None:
    """Two channels of kind loudspeaker (say, the county's and a second, relayed one): each package
    is a ledger row per channel, built into that channel's own outbox folder."""
    root = make_newsroom(tmp_path / "newsroom", channels='["web", "loudspeaker", "relay"]')
    shutil.copyfile(Path(__file__).parents[1] / "assets" / "demo" / "stations.csv", root / "stations.csv")
    replace_in_config(root, "[channels.export]", '[channels.loudspeaker]\nengine = "none"\n\n'
                      '[channels.relay]\nkind = "loudspeaker"\nengine = "none"\nlead_minutes = 30\n\n[channels.export]')
    write_report(root, "a.md", title="东村开展板凳课堂理论宣讲", station="qiaotou-dongcun", date="2026-11-28 09:30")
    newsroom = load_newsroom(root)
    assert newsroom.channels_of_kind("loudspeaker") == ("loudspeaker", "relay")
    store = open_store(newsroom)
    (a,) = ingest_all(newsroom, store, now=NOW).story_ids
    with store.begin() as conn:
        perform(conn, newsroom, a, "approve", EDITOR, NOW, channels=["loudspeaker", "relay"])
    evening = datetime(2026, 11, 29, 9, 45, tzinfo=NOW.tzinfo)  # 17:45 in Shanghai: both leads have come
    publish_due(newsroom, store, now=evening)
    with store.read() as conn:
        rows = [p for p in ledger.list_publications(conn) if p.unit == "broadcast:2026-11-29:evening:qiaotou"]
    assert sorted((p.channel, p.state, p.receipt["folder"]) for p in rows) == [
        ("loudspeaker", "done", "outbox/loudspeaker/2026-11-29/evening/qiaotou"),
        ("relay", "done", "outbox/relay/2026-11-29/evening/qiaotou")]
    for channel in ("loudspeaker", "relay"):
        script = (root / "outbox" / channel / "2026-11-29" / "evening" / "qiaotou" / "script.txt").read_text(encoding="utf-8")
        assert "东村开展板凳课堂理论宣讲" in script


def test_a_story_published_after_a_package_was_built_is_in_it_before_air(newsroom_on_air) -> None:
    """Issue 13, item 8: a package built ahead of its slot does not go stale silently. A story
    approved for the loudspeaker and published after the package was built makes the publish pass
    build that package again, through the ledger, while the slot is still to air; packages whose
    rundown did not change are left alone."""
    from pipeline.schedule import describe

    newsroom, store, _ = newsroom_on_air
    evening = datetime(2026, 11, 29, 9, 0, tzinfo=NOW.tzinfo)  # 17:00 in Shanghai: the 18:00 packages are built
    assert publish_due(newsroom, store, now=evening).published == 4
    folder = newsroom.root / "outbox/loudspeaker/2026-11-29/evening"
    before = {p.name: broadcast.read_package(p).manifest for p in folder.iterdir()}
    write_report(newsroom.root, "e.md", title="桥头镇举办冬季消防演练", station="qiaotou", date="2026-11-29 16:00",
                 body="桥头镇组织各村开展冬季消防演练，200余名村民参加。")
    (late,) = ingest_all(newsroom, store, now=evening).story_ids
    with store.begin() as conn:
        perform(conn, newsroom, late, "approve", EDITOR, evening, channels=["loudspeaker"])
    result = publish_due(newsroom, store, now=evening + timedelta(minutes=10))
    assert result.refreshed_packages == ["broadcast:2026-11-29:evening:qiaotou"]
    assert result.published == 2  # the story, then the package rebuilt with it
    assert "因新稿件重新生成节目包1个" in describe(result)
    after = {p.name: broadcast.read_package(p).manifest for p in folder.iterdir()}
    assert "桥头镇举办冬季消防演练" in [i["title"] for i in after["qiaotou"]["items"] + after["qiaotou"]["left_out"]]
    assert all(after[name] == before[name] for name in ("baisha", "chengguan", "qingshi"))  # not rebuilt
    with store.read() as conn:
        assert broadcast.stale_packages(conn, newsroom, evening + timedelta(minutes=11)) == []
    # once the slot has aired, a package is what went on air: nothing is rebuilt any more
    write_report(newsroom.root, "f.md", title="桥头镇开展夜间巡逻", station="qiaotou", date="2026-11-29 19:00")
    after_air = datetime(2026, 11, 29, 11, 0, tzinfo=NOW.tzinfo)  # 19:00 in Shanghai
    (night,) = ingest_all(newsroom, store, now=after_air).story_ids
    with store.begin() as conn:
        perform(conn, newsroom, night, "approve", EDITOR, after_air, channels=["loudspeaker"])
    assert publish_due(newsroom, store, now=after_air).refreshed_packages == []


def test_a_package_whose_rundown_changed_is_marked_out_of_date(newsroom_on_air) -> None:
    """What the desk shows beside a built package: out of date when its rundown changed since, with
    the stories it lacks or still reads."""
    newsroom, store, (a, _, _, d) = newsroom_on_air
    rundown = rundown_of(newsroom, store, "qiaotou")
    package = broadcast.build_package(newsroom, rundown, broadcast.settings_for(newsroom))
    assert package.manifest["rundown_sha256"] == broadcast.package_digest(rundown)
    assert not broadcast.freshness(rundown, package.manifest).stale
    older = {**package.manifest, "rundown_sha256": None,
             "items": [i for i in package.manifest["items"] if i["ref"] != str(a)]}
    fresh = broadcast.freshness(rundown, older)  # built before story a went out
    assert fresh.stale and fresh.added == ("东村开展板凳课堂理论宣讲",) and fresh.removed == ()
    assert fresh.note == "已过期，需重新生成（新增：东村开展板凳课堂理论宣讲）"
    notice(newsroom.root, "water", "停水通知", "明天上午停水。", targets=["qiaotou"])
    changed = rundown_of(newsroom, store, "qiaotou")
    assert broadcast.freshness(changed, package.manifest).note == "已过期，需重新生成（节目单有变动）"
    assert not broadcast.freshness(changed, package.manifest, broadcast.package_digest(changed)).stale


def test_the_desk_marks_a_package_out_of_date_and_publish_names_packages_in_chinese(tmp_path: Path) -> None:
    """The desk's broadcast page shows 已过期 beside a built package whose rundown changed (here an
    editor dropped a story after building); `kitchen publish` prints a package it rebuilds by its
    Chinese name, never `story None rev None`."""
    from tests.conftest import Kitchen
    from tests.test_desk import csrf_of, on_air_desk

    newsroom, store, (a, b), client, day = on_air_desk(tmp_path)
    view = f"/broadcast?day={day}&slot=morning&target=qiaotou"
    unit = f"broadcast:{day}:morning:qiaotou"
    token = csrf_of(client, view)
    assert client.post("/broadcast/build", data={"csrf": token, "unit": unit}).status_code == 303
    page = client.get(view).text
    assert "已有节目包" in page and "已过期" not in page
    assert f"{day.month}月{day.day}日 早间 · 桥头镇" in page and "morning" not in page.split("<h1>", 1)[1].split("<form", 1)[0]
    client.post("/broadcast/edit", data={"csrf": token, "unit": unit, "ref": str(b), "op": "drop"})
    page = client.get(view).text
    assert page.count('class="stale"') == 2  # in the table of townships and beside the package
    assert "已过期，需重新生成（节目单有变动）" in page
    write_report(newsroom.root, "c.md", title="桥头镇举办冬季消防演练", station="qiaotou",
                 date=f"{day - timedelta(days=1)} 16:00")
    kitchen = Kitchen(newsroom.root)
    kitchen("ingest")
    kitchen("approve", "3", "--channels", "loudspeaker")
    output = kitchen("publish")
    assert "None" not in output and "rev" not in output
    assert "✓ 稿件 3（第1版） → 大喇叭" in output
    assert f"✓ 节目包 {day.month}月{day.day}日 早间 · 桥头镇 → 大喇叭" in output
    assert "已过期" not in client.get(view).text


def test_a_rebuilt_package_is_served_on_the_site_in_the_same_pass(tmp_path: Path) -> None:
    """A package rebuilt for a story published after it was built is a new audio file at the same
    path: the pass that rebuilds it builds the site after it, and the site serves the new audio
    (not the first build's, linked by its path) with its new length on the page and in the podcast."""
    import feedparser
    import lxml.html

    newsroom, store, _ = on_air(tmp_path, engine="espeak")
    evening = datetime(2026, 11, 29, 9, 0, tzinfo=NOW.tzinfo)  # 17:00 in Shanghai: the 18:00 packages are built
    assert publish_due(newsroom, store, now=evening).published == 4
    outbox = newsroom.root / "outbox/loudspeaker/2026-11-29/evening/qiaotou/audio.mp3"
    served = newsroom.root / "site/live/broadcasts/2026-11-29/evening/qiaotou.mp3"
    podcast = newsroom.root / "site/live/broadcasts/podcast.xml"
    page = newsroom.root / "site/live/broadcasts/index.html"

    def shown() -> tuple[bytes, int, list[str]]:
        (entry,) = [e for e in feedparser.parse(podcast.read_bytes()).entries if e.id.endswith(":qiaotou")]
        durations = lxml.html.fromstring(page.read_bytes()).xpath(
            "//audio[source/@src='/broadcasts/2026-11-29/evening/qiaotou.mp3']/ancestor::li[1]//text()")
        return served.read_bytes(), int(entry.enclosures[0].length), durations

    first, first_length, first_page = shown()  # the pass that built the packages built the site too
    assert first == outbox.read_bytes() and first_length == len(first)
    write_report(newsroom.root, "e.md", title="桥头镇举办冬季消防演练", station="qiaotou", date="2026-11-29 16:00",
                 body="桥头镇组织各村开展冬季消防演练，200余名村民参加，学习灭火器使用和火场逃生。")
    (late,) = ingest_all(newsroom, store, now=evening).story_ids
    with store.begin() as conn:
        perform(conn, newsroom, late, "approve", EDITOR, evening, channels=["loudspeaker"])
    result = publish_due(newsroom, store, now=evening + timedelta(minutes=10))
    assert result.refreshed_packages == ["broadcast:2026-11-29:evening:qiaotou"]
    rebuilt = outbox.read_bytes()
    again, length, page_text = shown()
    assert rebuilt != first and again == rebuilt  # the new audio, in this same pass
    assert length == len(rebuilt) != first_length
    manifest = broadcast.read_package(outbox.parent).manifest
    assert seconds_text(manifest["seconds"]) in "".join(page_text) and page_text != first_page
    assert result.flushed["web"]["build"]  # the site build the summary reports is the one after the rebuild


def test_a_slot_is_named_by_its_id_or_its_title_and_refusals_list_both(newsroom_on_air) -> None:
    """`--slot 晚间` is the evening slot, as `--slot evening` is; an unknown slot is refused with
    the slots listed as `morning（早间）`."""
    from tests.conftest import Kitchen

    newsroom, store, _ = newsroom_on_air
    assert broadcast.slot_named(newsroom, "晚间") == broadcast.slot_named(newsroom, "evening")
    assert broadcast.slot_named(newsroom, " Morning ").name == "morning"
    kitchen = Kitchen(newsroom.root)
    tomorrow = (utcnow().astimezone(newsroom.tz) + timedelta(days=1)).date()
    output = kitchen("broadcast", "build", "--date", str(tomorrow), "--slot", "晚间", "--township", "qiaotou")
    assert "桥头镇 (qiaotou)" in output
    assert (newsroom.root / f"outbox/loudspeaker/{tomorrow}/evening/qiaotou/script.html").is_file()
    refused = kitchen("broadcast", "build", "--slot", "午间", expect=1)
    assert "没有时段“午间”" in refused and "morning（早间）、evening（晚间）" in refused
