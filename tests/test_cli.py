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
    assert "✓ 已在" in output and "建立编辑部" in output
    assert {p.name for p in root.iterdir()} >= {"kitchen.toml", "stations.csv", "templates", "inbox",
                                                "broadcast", "recordings"}
    assert (root / "broadcast" / "notices").is_dir()
    newsroom = load_newsroom(root)
    assert newsroom.site.title == "某县融媒体中心"
    assert "里已经有 kitchen.toml；不会覆盖它" in Kitchen(root)("init", str(root), expect=1)


def test_stories_lists_and_filters_by_state_and_station_subtree(kitchen, newsroom_dir) -> None:
    ingest_two(kitchen, newsroom_dir)
    listing = kitchen("stories")
    assert "东村开展板凳课堂理论宣讲" in listing and "新桥村志愿者清扫河道" in listing
    assert "共2篇稿件" in listing and "编号" in listing and "草稿" in listing
    by_institute = kitchen("stories", "--station", "qiaotou")
    assert "东村开展板凳课堂理论宣讲" in by_institute and "新桥村" not in by_institute
    kitchen("submit", "2")
    assert "共1篇稿件" in kitchen("stories", "--state", "in_review")
    assert "“nowhere”不是 stations.csv 里的站点" in kitchen("stories", "--station", "nowhere", expect=1)
    refused = kitchen("stories", "--state", "lost", expect=1)
    assert "没有稿件状态“lost”" in refused and "草稿（draft）" in refused


def test_show_prints_text_channels_and_history(kitchen, newsroom_dir) -> None:
    ingest_two(kitchen, newsroom_dir)
    kitchen("approve", "1")
    kitchen("publish", "--due")
    output = kitchen("show", "1")
    assert "#1 东村开展板凳课堂理论宣讲" in output
    assert "状态：已发布" in output
    assert "站点：东村新时代文明实践站（qiaotou-dongcun）" in output
    assert "60余名村民参加" in output
    assert re.search(r"外发\s+发布\s+已发送", output)
    assert "签发" in output and "草稿 → 已签发" in output
    # the system's actors by the names the desk gives them (issue 13 review)
    history = output[output.index("经过"):]
    assert re.search(r"采集\s+采集入库", history) and not re.search(r"\bingest\b", history)
    assert "99" in kitchen("show", "99", expect=1)


def test_edit_in_editor_saves_a_validated_revision(kitchen, newsroom_dir, tmp_path) -> None:
    ingest_two(kitchen, newsroom_dir)
    editor = fake_editor(tmp_path, "text = text.replace('东村开展板凳课堂理论宣讲', '东村板凳课堂：政策讲到家门口')")
    assert "稿件 1：已保存为第2版" in kitchen("edit", "1", env={"EDITOR": editor})
    assert "#1 东村板凳课堂：政策讲到家门口" in kitchen("show", "1")
    unchanged = fake_editor(tmp_path, "pass")
    assert "没有改动，没有保存" in kitchen("edit", "1", env={"EDITOR": unchanged})


def test_an_invalid_edit_is_refused_and_the_text_is_kept(kitchen, newsroom_dir, tmp_path) -> None:
    ingest_two(kitchen, newsroom_dir)
    editor = fake_editor(tmp_path, "text = text.replace('station: qiaotou-dongcun', 'station: nowhere')")
    output = kitchen("edit", "1", env={"EDITOR": editor}, expect=1)
    assert "未保存：" in output and "nowhere" in output
    kept = newsroom_dir / ".kitchen" / "unsaved" / "story-1.md"
    assert "station: nowhere" in kept.read_text(encoding="utf-8")
    assert "版本：1" in kitchen("show", "1")


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
    assert "稿件 1：已签发，频道：export（外发），时间：2099-12-01 08:00" in output
    store = open_store(load_newsroom(newsroom_dir))
    with store.begin() as conn:
        pub = ledger.list_publications(conn, story_id=1)[0]
    assert pub.due_at.isoformat() == "2099-12-01T00:00:00+00:00"
    assert "不是日期时间" in kitchen("approve", "1", "--at", "明天早上", expect=1)


def test_refusals_say_why(kitchen, newsroom_dir) -> None:
    ingest_two(kitchen, newsroom_dir)
    assert "未执行：“退稿”需要写明理由（--why" in kitchen("reject", "1", expect=1)
    assert "稿件 1：退稿完成" in kitchen("reject", "1", "--why", "缺少活动时间")
    assert ("稿件 1 现在是“已退稿”，不能签发（只有“草稿、待审”的稿件可以签发）——先重新打开：kitchen reopen 1"
            in kitchen("approve", "1", expect=1))
    kitchen("approve", "2")
    kitchen("publish")
    refused = kitchen("--role", "editor", "kill", "2", "--why", "错误", expect=1)
    assert "未执行：“撤稿”需要值班主任角色；cli:" in refused and "是编辑" in refused
    assert "撤下：export（外发）" in kitchen("--role", "chief", "kill", "2", "--why", "信息有误")


def test_correct_publishes_a_new_revision_with_its_note(kitchen, newsroom_dir, tmp_path) -> None:
    ingest_two(kitchen, newsroom_dir)
    kitchen("approve", "1")
    kitchen("publish")
    editor = fake_editor(tmp_path, "text = text.replace('60余名', '80余名')")
    assert "更正说明（correction）是空的" in kitchen("correct", "1", env={"EDITOR": editor}, expect=1)
    untouched = fake_editor(tmp_path, "pass", name="noop.py")
    assert "正文与已发布的版本相同" in kitchen(
        "correct", "1", "--why", "无", env={"EDITOR": untouched}, expect=1)
    output = kitchen("correct", "1", "--why", "参加人数应为'80余名'", env={"EDITOR": editor})
    assert "稿件 1：更正已保存为第2版；重新发布到：export（外发）" in output
    kitchen("publish")
    assert (newsroom_dir / "outbox/export/story-1/rev-2.json").exists()
    assert "参加人数应为'80余名'" in kitchen("show", "1")


def test_status_summarises_the_newsroom(kitchen, newsroom_dir) -> None:
    ingest_two(kitchen, newsroom_dir)
    kitchen("approve", "1", "--at", "2099-01-01 08:00")
    output = kitchen("status")
    assert "稿件：已签发 1，草稿 1" in output
    assert "发布台账：待发送 1" in output and "下次到期：2099-01-01 08:00" in output


def test_commands_find_the_newsroom_from_the_environment(newsroom_dir, monkeypatch) -> None:
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, ["check"], env={"KITCHEN_NEWSROOM": str(newsroom_dir)})
    assert result.exit_code == 0 and "✓" in result.output and "6个实践站点" in result.output


def test_init_keeps_a_stations_file_prepared_beforehand(tmp_path: Path) -> None:
    from tests.conftest import FIXTURES, Kitchen

    root = tmp_path / "county"
    root.mkdir()
    prepared = (FIXTURES / "stations.csv").read_text(encoding="utf-8").encode("gb18030")
    (root / "stations.csv").write_bytes(prepared)
    output = Kitchen(root)("init", str(root))
    assert "保留了已有的 stations.csv" in output
    assert (root / "stations.csv").read_bytes() == prepared
    assert len(load_newsroom(root).stations) == 6
    assert "“news.cn”不是 http(s) 网址" in Kitchen(root)("init", str(tmp_path / "other"), "--base-url", "news.cn", expect=1)


def test_one_refused_story_does_not_stop_the_others(kitchen, newsroom_dir) -> None:
    ingest_two(kitchen, newsroom_dir)
    kitchen("reject", "1", "--why", "重复")
    output = kitchen("approve", "1", "2", "99", expect=1)
    assert "稿件 1 现在是“已退稿”" in output and "99" in output
    assert "稿件 2：已签发，频道：export（外发）" in output
    assert "签发：1篇完成，2篇未执行" in output


def test_check_says_what_a_channel_is_missing(kitchen, newsroom_dir) -> None:
    from tests.conftest import replace_in_config

    assert "✓" in kitchen("check")
    replace_in_config(newsroom_dir, '\nurl = ""', '\nurl = "https://partner.example.cn/in"')
    output = kitchen("check", expect=1)
    assert "未就绪：频道 export（外发）：已设置外发地址（url），但环境变量 $KITCHEN_EXPORT_SECRET（HMAC 密钥）为空" in output
    assert "✓" in kitchen("check", env={"KITCHEN_EXPORT_SECRET": "s3cret"})


def test_an_unreachable_database_is_a_clear_error(kitchen, newsroom_dir) -> None:
    from tests.conftest import replace_in_config

    replace_in_config(newsroom_dir, 'database_url = ""',
                      'database_url = "postgresql+psycopg://kitchen:pw@127.0.0.1:1/kitchen"')
    output = kitchen("stories", expect=2)
    assert "错误：无法使用数据库 postgresql+psycopg://kitchen:***@127.0.0.1:1/kitchen" in output


def test_a_missing_editor_is_a_clear_error(kitchen, newsroom_dir) -> None:
    ingest_two(kitchen, newsroom_dir)
    output = kitchen("edit", "1", env={"EDITOR": "no-such-editor-here"}, expect=1)
    assert "错误：找不到编辑器“no-such-editor-here”；请设置 EDITOR" in output


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


def test_channels_may_be_repeated_or_comma_separated_and_are_merged(tmp_path: Path) -> None:
    """Issue 13 item 3: `--channels web --channels rss` approves for both."""
    from tests.conftest import Kitchen, make_newsroom

    root = make_newsroom(tmp_path / "newsroom", channels='["web", "rss", "export"]')
    kitchen = Kitchen(root)
    ingest_two(kitchen, root)
    output = kitchen("approve", "1", "--at", "2099-12-01 08:00", "--channels", "web", "--channels", "rss")
    assert "频道：web（网站）、rss（订阅源）" in output
    output = kitchen("approve", "2", "--at", "2099-12-01 08:00", "--channels", "网站，export", "--channels", "web")
    assert "频道：web（网站）、export（外发）" in output
    store = open_store(load_newsroom(root))
    with store.begin() as conn:
        assert sorted(p.channel for p in ledger.list_publications(conn, story_id=1)) == ["rss", "web"]
        assert sorted(p.channel for p in ledger.list_publications(conn, story_id=2)) == ["export", "web"]


def test_channels_separated_by_spaces_or_unknown_are_refused_in_chinese(kitchen, newsroom_dir) -> None:
    ingest_two(kitchen, newsroom_dir)
    output = kitchen("approve", "1", "--channels", "web rss", expect=1)
    assert "多个频道请用逗号分隔，例如 --channels web,rss" in output
    output = kitchen("approve", "1", "--channels", "weibo", expect=1)
    assert "未执行：本编辑部没有启用频道 weibo；已启用：export（外发）（在 kitchen.toml 的 [publish] channels 里增减）" in output
    assert "草稿" in kitchen("stories", "--state", "草稿")  # nothing was approved


def test_init_turns_on_the_loudspeaker_it_writes_slots_for(tmp_path: Path) -> None:
    """Issue 13 item 6."""
    from tests.conftest import Kitchen

    root = tmp_path / "county"
    Kitchen(root)("init", str(root), "--base-url", "https://wenming.qinglan.gov.cn/")
    newsroom = load_newsroom(root)
    assert "loudspeaker" in newsroom.publish.channels
    assert [slot.label for slot in newsroom.slots] == ["早间", "晚间"]
    output = Kitchen(root)("check")
    assert "✓" in output and "loudspeaker（大喇叭）" in output


def test_check_refuses_the_placeholder_base_url_and_asks_for_the_podcast_email(tmp_path: Path) -> None:
    """Issue 13 item 14: the address `init` writes by default would end up in QR codes; the
    podcast's owner e-mail is asked for, never invented."""
    from tests.conftest import Kitchen, replace_in_config

    root = tmp_path / "county"
    kitchen = Kitchen(root)
    assert "网站地址还是示例地址 https://news.example.cn/" in kitchen("init", str(root))
    output = kitchen("check", expect=1)
    assert "未就绪：网站地址还是示例地址 https://news.example.cn/：海报和视频里的二维码会指向它" in output
    assert "[site] base_url" in output
    assert "没有填写播客联系邮箱" in output and "[site] email" in output
    replace_in_config(root, 'base_url = "https://news.example.cn/"', 'base_url = "https://wenming.qinglan.gov.cn/"')
    output = kitchen("check")
    assert "✓" in output and "没有填写播客联系邮箱" in output  # a reminder, not a failure
    replace_in_config(root, 'email = ""', 'email = "broadcast@qinglan.gov.cn"')
    assert "播客" not in kitchen("check")


def test_station_by_full_name_state_by_chinese_name_and_version(kitchen, newsroom_dir) -> None:
    """Issue 13 item 14: `--station` takes what the inbox takes, `--state` what the tables print."""
    ingest_two(kitchen, newsroom_dir)
    by_name = kitchen("stories", "--station", "桥头镇新时代文明实践所")
    assert "东村开展板凳课堂理论宣讲" in by_name and "新桥村" not in by_name
    kitchen("submit", "2")
    assert "共1篇稿件" in kitchen("stories", "--state", "待审")
    assert "新桥村志愿者清扫河道" in kitchen("stories", "--state", "待审")
    assert "共1篇稿件" in kitchen("stories", "--state", "草稿")
    from importlib.metadata import version

    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"中央厨房（kitchen）{version('central-kitchen')}"
    assert "--role：没有角色“boss”；可用：editor、chief、admin" in kitchen("--role", "boss", "status", expect=2)


def test_help_keeps_words_in_brackets_for_every_command() -> None:
    """Issue 13 item 9: help is plain text, so `[loudspeaker.slots]` is not eaten as markup."""
    from typing import Any

    import typer

    from pipeline.cli import app

    root = typer.main.get_command(app)
    from typer.testing import CliRunner

    runner = CliRunner()
    output = runner.invoke(app, ["broadcast", "build", "--help"], terminal_width=200).output
    assert "取自 [[loudspeaker.slots]]，例如 morning 或 早间。" in output
    assert "见 kitchen.toml 的 [publish] channels" in runner.invoke(app, ["approve", "--help"], terminal_width=200).output

    def paths(command: Any, prefix: list[str]) -> list[list[str]]:
        found = [prefix]
        for name, sub in getattr(command, "commands", {}).items():  # typer's groups are not click.Group
            found += paths(sub, [*prefix, name])
        return found

    walked = paths(root, [])
    assert ["broadcast", "build"] in walked and len(walked) > 30
    for path in walked:
        text = runner.invoke(app, [*path, "--help"], terminal_width=200).output
        assert text.startswith("用法："), path
        assert "[]" not in text and "\\[" not in text, (path, text)


def test_a_busy_port_is_one_chinese_line_suggesting_another(kitchen, newsroom_dir) -> None:
    """Issue 13 item 7: `kitchen preview` and `kitchen desk` on a taken port: one line, exit 1,
    and the desk prints no address before failing."""
    import socket

    (newsroom_dir / "site" / "live").mkdir(parents=True)
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        for command in (("preview", "--port", str(port)), ("desk", "--port", str(port))):
            output = kitchen(*command, expect=1)
            assert output.startswith(f"错误：端口 {port} 已被占用：换一个端口试试"), output
            assert f"--port {port + 1}" in output
            assert len(output.strip().splitlines()) == 1 and "Traceback" not in output and "http://" not in output
    finally:
        taken.close()


def test_check_names_a_template_syntax_error_in_chinese_and_keeps_jinjas_detail(kitchen, newsroom_dir) -> None:
    """Issue 13 review: `template …/article.html, line 1: Expected an expression…` became a Chinese
    lead-in with Jinja's own detail after it."""
    from tests.conftest import replace_in_config

    replace_in_config(newsroom_dir, 'channels = ["export"]', 'channels = ["web", "export"]')
    override = newsroom_dir / "templates" / "web" / "article.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text("{{ }}\n", encoding="utf-8")
    output = kitchen("check", expect=1, env={"KITCHEN_EXPORT_SECRET": "s3cret"})
    assert re.search(r"模板 \S*article\.html 第 1 行有语法错误：Expected an expression", output), output
    assert "template " not in output and ", line " not in output


def test_piped_output_is_not_broken_inside_words_and_tables_keep_whole_cells(tmp_path: Path) -> None:
    """Issue 13 review: piped to a file at 80 columns, rich broke lines wherever the 80th column
    fell (`稿件 ⏎1：已签发…`, `app⏎roved`) and cut a table's widest column with `…`. Output that is
    not a terminal keeps its lines whole; a terminal too narrow folds a table's cells."""
    import io
    import subprocess

    from rich.console import Console
    from rich.table import Table

    from pipeline.cli.context import folding
    from tests.conftest import kitchen_env, make_newsroom

    root = make_newsroom(tmp_path / "newsroom")
    title = "青岚县卫生健康局联合县人民医院在柳溪镇开展义诊活动并为村民免费体检和发放常用药品"
    write_report(root, "a.md", title=title)
    env = {**kitchen_env(), "COLUMNS": "80"}

    def kitchen(*args: str) -> list[str]:
        done = subprocess.run([sys.executable, "-m", "pipeline.cli", "--newsroom", str(root), *args],
                              capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        return (done.stdout + done.stderr).splitlines()

    kitchen("ingest")
    approved = "稿件 1：已签发，频道：export（外发），时间：立即"
    assert approved in kitchen("approve", "1")
    (row,) = [line for line in kitchen("stories") if line.startswith("1 ")]
    assert row.split()[1:] == ["已签发", "2026-11-20", "东村新时代文明实践站", title]
    shown = kitchen("show", "1")
    assert f"#1 {title}" in shown and any(line.split()[2:4] == ["采集", "采集入库"] for line in shown)

    narrow = Console(file=io.StringIO(), width=24, force_terminal=True, color_system=None)
    path = "/srv/kitchen/newsroom/inbox/_quarantine/qiaotou-dongcun/report.docx"
    table = folding(Table("条目", box=None))
    table.add_row(path)
    narrow.print(table)
    printed = narrow.file.getvalue()  # type: ignore[attr-defined]
    assert "…" not in printed and "".join(printed.split()) == "条目" + path
