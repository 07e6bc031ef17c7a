"""The `kitchen` command as editors use it: list, show, edit in $EDITOR, approve at a local time,
reject, kill and correct — with refusals that say why."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from pipeline import ledger
from pipeline.config import load_newsroom
from pipeline.store import open_store
from tests.conftest import write_report


def fake_editor(tmp_path: Path, python_body: str, name: str = "editor.py") -> str:
    """An $EDITOR that edits the file it is given with a line of Python (`text` in, `text` out)."""
    script = tmp_path / name
    script.write_text("import sys, pathlib\npath = pathlib.Path(sys.argv[1])\n"
                      "text = path.read_text(encoding='utf-8')\n"
                      f"{python_body}\npath.write_text(text, encoding='utf-8')\n", encoding="utf-8")
    return f"{sys.executable} {script}"


def ingest_two(kitchen, newsroom_dir: Path) -> None:
    write_report(newsroom_dir, "a.md")
    write_report(newsroom_dir, "b.md", title="新桥村志愿者清扫河道", station="baisha-xinqiao")
    kitchen("ingest")


def test_init_creates_a_newsroom_that_loads(tmp_path: Path) -> None:
    from tests.conftest import Kitchen

    root = tmp_path / "county"
    output = Kitchen(root)("init", str(root), "--title", "某县融媒体中心", "--base-url", "https://m.example.cn/")
    assert "Created newsroom" in output
    assert {p.name for p in root.iterdir()} >= {"kitchen.toml", "stations.csv", "templates", "inbox"}
    newsroom = load_newsroom(root)
    assert newsroom.site.title == "某县融媒体中心"
    assert "already has a kitchen.toml" in Kitchen(root)("init", str(root), expect=1)


def test_stories_lists_and_filters_by_state_and_station_subtree(kitchen, newsroom_dir) -> None:
    ingest_two(kitchen, newsroom_dir)
    listing = kitchen("stories")
    assert "东村开展板凳课堂理论宣讲" in listing and "新桥村志愿者清扫河道" in listing
    assert "2 stories" in listing
    by_institute = kitchen("stories", "--station", "qiaotou")
    assert "东村开展板凳课堂理论宣讲" in by_institute and "新桥村" not in by_institute
    kitchen("submit", "2")
    assert "1 story" in kitchen("stories", "--state", "in_review")
    assert "'nowhere' is not a station" in kitchen("stories", "--station", "nowhere", expect=1)
    assert "state must be one of" in kitchen("stories", "--state", "lost", expect=1)


def test_show_prints_text_channels_and_history(kitchen, newsroom_dir) -> None:
    ingest_two(kitchen, newsroom_dir)
    kitchen("approve", "1")
    kitchen("publish", "--due")
    output = kitchen("show", "1")
    assert "#1 东村开展板凳课堂理论宣讲" in output
    assert "state: published 已发布" in output
    assert "station: 东村新时代文明实践站 (qiaotou-dongcun)" in output
    assert "60余名村民参加" in output
    assert re.search(r"export\s+publish\s+done", output)
    assert "approve" in output and "draft → approved" in output
    assert "story 99 does not exist" in kitchen("show", "99", expect=1)


def test_edit_in_editor_saves_a_validated_revision(kitchen, newsroom_dir, tmp_path) -> None:
    ingest_two(kitchen, newsroom_dir)
    editor = fake_editor(tmp_path, "text = text.replace('东村开展板凳课堂理论宣讲', '东村板凳课堂：政策讲到家门口')")
    assert "story 1: saved revision 2" in kitchen("edit", "1", env={"EDITOR": editor})
    assert "#1 东村板凳课堂：政策讲到家门口" in kitchen("show", "1")
    unchanged = fake_editor(tmp_path, "pass")
    assert "no changes; nothing saved" in kitchen("edit", "1", env={"EDITOR": unchanged})


def test_an_invalid_edit_is_refused_and_the_text_is_kept(kitchen, newsroom_dir, tmp_path) -> None:
    ingest_two(kitchen, newsroom_dir)
    editor = fake_editor(tmp_path, "text = text.replace('station: qiaotou-dongcun', 'station: nowhere')")
    output = kitchen("edit", "1", env={"EDITOR": editor}, expect=1)
    assert "not saved: station 'nowhere' is not in stations.csv" in output
    kept = newsroom_dir / ".kitchen" / "unsaved" / "story-1.md"
    assert "station: nowhere" in kept.read_text(encoding="utf-8")
    assert "revision: 1" in kitchen("show", "1")


def test_edit_can_reorder_and_caption_photos_by_id(kitchen, newsroom_dir, tmp_path) -> None:
    from PIL import Image

    for name, colour in (("a.jpg", "red"), ("b.jpg", "blue")):
        Image.new("RGB", (120, 80), colour).save(newsroom_dir / "inbox" / name, "JPEG")
    write_report(newsroom_dir, "p.md", extra="images:\n  - a.jpg\n  - b.jpg\n")
    kitchen("ingest")
    newsroom = load_newsroom(newsroom_dir)
    store = open_store(newsroom)
    from pipeline.stories import snapshot

    with store.begin() as conn:
        first, second = snapshot(conn, 1).revision.content.images
    body = ("import re\n"
            "head, rest = text.split('images:', 1)\n"
            f"text = head + 'images:\\n- media: {second.sha256[:12]}\\n  caption: 第二张做封面\\n"
            f"- media: {first.sha256[:12]}\\n  caption: \\'\\'\\n' + rest[rest.index('---'):]")
    kitchen("edit", "1", env={"EDITOR": fake_editor(tmp_path, body)})
    with store.begin() as conn:
        images = snapshot(conn, 1).revision.content.images
    assert [(i.sha256, i.caption) for i in images] == [(second.sha256, "第二张做封面"), (first.sha256, "")]


def test_approve_at_a_newsroom_time_is_stored_in_utc(kitchen, newsroom_dir) -> None:
    ingest_two(kitchen, newsroom_dir)
    output = kitchen("approve", "1", "2", "--at", "2099-12-01 08:00", "--channels", "export")
    assert "story 1: approved for export at 2099-12-01 08:00" in output
    store = open_store(load_newsroom(newsroom_dir))
    with store.begin() as conn:
        pub = ledger.list_publications(conn, story_id=1)[0]
    assert pub.due_at.isoformat() == "2099-12-01T00:00:00+00:00"
    assert "不是日期时间" in kitchen("approve", "1", "--at", "明天早上", expect=1)


def test_refusals_say_why(kitchen, newsroom_dir) -> None:
    ingest_two(kitchen, newsroom_dir)
    assert "'reject' needs a reason" in kitchen("reject", "1", expect=1)
    assert "story 1: reject done (退稿)" in kitchen("reject", "1", "--why", "缺少活动时间")
    assert "story 1 is rejected; 'approve' is allowed only from draft, in_review" in kitchen("approve", "1", expect=1)
    kitchen("approve", "2")
    kitchen("publish")
    refused = kitchen("--role", "editor", "kill", "2", "--why", "错误", expect=1)
    assert "refused: 'kill' needs the chief role" in refused
    assert "retracting: export" in kitchen("--role", "chief", "kill", "2", "--why", "信息有误")


def test_correct_publishes_a_new_revision_with_its_note(kitchen, newsroom_dir, tmp_path) -> None:
    ingest_two(kitchen, newsroom_dir)
    kitchen("approve", "1")
    kitchen("publish")
    editor = fake_editor(tmp_path, "text = text.replace('60余名', '80余名')")
    assert "更正说明（correction）是空的" in kitchen("correct", "1", env={"EDITOR": editor}, expect=1)
    untouched = fake_editor(tmp_path, "pass", name="noop.py")
    assert "the text is the same as the published revision" in kitchen(
        "correct", "1", "--why", "无", env={"EDITOR": untouched}, expect=1)
    output = kitchen("correct", "1", "--why", "参加人数应为'80余名'", env={"EDITOR": editor})
    assert "correction saved as revision 2; re-publishing on: export" in output
    kitchen("publish")
    assert (newsroom_dir / "outbox/export/story-1/rev-2.json").exists()
    assert "参加人数应为'80余名'" in kitchen("show", "1")


def test_status_summarises_the_newsroom(kitchen, newsroom_dir) -> None:
    ingest_two(kitchen, newsroom_dir)
    kitchen("approve", "1", "--at", "2099-01-01 08:00")
    output = kitchen("status")
    assert "approved 已签发 1" in output and "draft 草稿 1" in output
    assert "ledger: pending 1" in output and "next due: 2099-01-01 08:00" in output


def test_commands_find_the_newsroom_from_the_environment(newsroom_dir, monkeypatch) -> None:
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, ["check"], env={"KITCHEN_NEWSROOM": str(newsroom_dir)})
    assert result.exit_code == 0 and "OK" in result.output


def test_init_keeps_a_stations_file_prepared_beforehand(tmp_path: Path) -> None:
    from tests.conftest import FIXTURES, Kitchen

    root = tmp_path / "county"
    root.mkdir()
    prepared = (FIXTURES / "stations.csv").read_text(encoding="utf-8").encode("gb18030")
    (root / "stations.csv").write_bytes(prepared)
    output = Kitchen(root)("init", str(root))
    assert "kept your existing stations.csv" in output
    assert (root / "stations.csv").read_bytes() == prepared
    assert len(load_newsroom(root).stations) == 6
    assert "is not an http(s) URL" in Kitchen(root)("init", str(tmp_path / "other"), "--base-url", "news.cn", expect=1)


def test_one_refused_story_does_not_stop_the_others(kitchen, newsroom_dir) -> None:
    ingest_two(kitchen, newsroom_dir)
    kitchen("reject", "1", "--why", "重复")
    output = kitchen("approve", "1", "2", "99", expect=1)
    assert "story 1 is rejected" in output and "story 99 does not exist" in output
    assert "story 2: approved for export" in output
    assert "approve: 1 done, 2 refused" in output


def test_check_says_what_a_channel_is_missing(kitchen, newsroom_dir) -> None:
    from tests.conftest import replace_in_config

    assert "OK" in kitchen("check")
    replace_in_config(newsroom_dir, '\nurl = ""', '\nurl = "https://partner.example.cn/in"')
    output = kitchen("check", expect=1)
    assert "channel export: 已设置外发地址（url），但环境变量 $KITCHEN_EXPORT_SECRET（HMAC 密钥）为空" in output
    assert "OK" in kitchen("check", env={"KITCHEN_EXPORT_SECRET": "s3cret"})


def test_an_unreachable_database_is_a_clear_error(kitchen, newsroom_dir) -> None:
    from tests.conftest import replace_in_config

    replace_in_config(newsroom_dir, 'database_url = ""',
                      'database_url = "postgresql+psycopg://kitchen:pw@127.0.0.1:1/kitchen"')
    output = kitchen("stories", expect=2)
    assert "cannot use the database postgresql+psycopg://kitchen:***@127.0.0.1:1/kitchen" in output


def test_a_missing_editor_is_a_clear_error(kitchen, newsroom_dir) -> None:
    ingest_two(kitchen, newsroom_dir)
    output = kitchen("edit", "1", env={"EDITOR": "no-such-editor-here"}, expect=1)
    assert "the editor 'no-such-editor-here' was not found; set EDITOR" in output


def test_publish_modes_do_not_mix(kitchen, newsroom_dir) -> None:
    assert "只能选一个：--failed、--dry-run" in kitchen("publish", "--failed", "--dry-run", expect=1)


def test_broadcast_spoken_prints_the_stored_spoken_rendition_at_the_newsroom_rate(kitchen, newsroom_dir) -> None:
    from sqlalchemy import select, update

    from pipeline import store as tables
    from pipeline.render.speech import reading_seconds
    from tests.conftest import replace_in_config

    replace_in_config(newsroom_dir, 'channels = ["export"]', 'channels = ["export", "loudspeaker"]')
    replace_in_config(newsroom_dir, "[channels.export]",
                      '[channels.loudspeaker]\nengine = "none"\nchars_per_minute = 120\n\n[channels.export]')
    write_report(newsroom_dir, "a.md", body="上午9:30开展板凳课堂，咨询电话0523-86123456。")
    kitchen("ingest")
    output = kitchen("broadcast", "spoken", "1")
    store = open_store(load_newsroom(newsroom_dir))
    r = tables.renditions
    with store.begin() as conn:
        row = conn.execute(select(r).where(r.c.story_id == 1, r.c.kind == "spoken")).one()
    stored = json.loads(row.content)
    assert stored["seconds"] == round(reading_seconds(stored["spoken"], 120), 1)  # made at the newsroom's rate
    assert output.startswith(stored["spoken"] + "\n") and "9:30 → 九点三十分" in output
    assert "（每分钟120字）" in output

    # What is printed is what is stored, not a spoken form made again on the spot.
    with store.begin() as conn:
        conn.execute(update(r).where(r.c.id == row.id).values(content=json.dumps(
            {**stored, "spoken": "这是存着的播音稿。", "seconds": 75.0, "rewritten": []}, ensure_ascii=False).encode()))
    store.close()
    output = kitchen("broadcast", "spoken", "1")
    assert output.startswith("这是存着的播音稿。\n")
    assert "朗读时长：约1分15秒（每分钟120字）" in output
    assert "为播读改写" not in output
