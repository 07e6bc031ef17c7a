"""Inbox ingest: Markdown, JSON and plain text become reports and draft stories; raw bytes are kept;
bad files are quarantined with a reason and never deleted; re-running creates nothing new."""

from __future__ import annotations

import contextlib
import io
import json
import os
import stat
import time
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from pipeline import store as t
from pipeline.ingest import ingest_all
from pipeline.ingest.documents import JsonFormat
from pipeline.stories import snapshot
from tests.conftest import NOW, write_report


def photo(path: Path, size: tuple[int, int] = (320, 200), colour: str = "#c0392b") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, "JPEG", quality=80)
    return path


def count(store, table) -> int:
    with store.begin() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_markdown_report_becomes_a_report_and_a_draft_story(newsroom, store, newsroom_dir) -> None:
    photo(newsroom_dir / "inbox" / "photos" / "a.jpg")
    write_report(newsroom_dir, "a.md", extra="author: 王丽\nimages:\n  - file: photos/a.jpg\n    caption: 宣讲现场\n")
    summary = ingest_all(newsroom, store, now=NOW)
    assert (summary.new_reports, summary.quarantined) == (1, 0)
    with store.begin() as conn:
        snap = snapshot(conn, summary.story_ids[0])
        report = conn.execute(select(t.reports)).one()
        raw = conn.execute(select(t.raw_documents)).one()
    content = snap.revision.content
    assert snap.story.state == "draft"
    assert content.title == "东村开展板凳课堂理论宣讲"
    assert content.station_id == "qiaotou-dongcun" and content.theme == "xuanjiang"
    assert content.author == "王丽"
    assert content.dateline.isoformat() == "2026-11-20T01:30:00+00:00"  # 09:30 in Shanghai
    assert [(i.caption, i.width, i.height) for i in content.images] == [("宣讲现场", 320, 200)]
    assert report.date_source == "meta" and report.text.startswith("11月20日上午")
    assert raw.body == (newsroom_dir / "inbox" / "_done" / "a.md").read_bytes()
    assert raw.url == "inbox:a.md" and len(raw.sha256) == 64
    assert (newsroom_dir / "inbox" / "_done" / "photos" / "a.jpg").exists()
    assert (newsroom_dir / "media" / content.images[0].sha256[:2]).is_dir()


def test_json_and_plain_text_reports(newsroom, store, newsroom_dir) -> None:
    (newsroom_dir / "inbox" / "b.json").write_text(json.dumps({
        "title": "新桥村开展科普大篷车进村活动", "date": "2026-11-14", "station": "新桥村新时代文明实践站",
        "theme": "科普惠民", "body": "11月14日，科普大篷车开进新桥村。\n\n村民200余人参观。",
    }, ensure_ascii=False), encoding="utf-8")
    (newsroom_dir / "inbox" / "c.txt").write_text(
        "东村志愿者清扫河道\n日期：2026年11月21日 8:30\n站点：qiaotou-dongcun\n作者：张强\n\n"
        "志愿者30人沿河清理垃圾。\n# 不是标题\n1. 不是列表\n", encoding="utf-8")
    summary = ingest_all(newsroom, store, now=NOW)
    assert summary.new_reports == 2, summary.errors
    with store.begin() as conn:
        json_story, text_story = (snapshot(conn, i).revision.content for i in summary.story_ids)
    assert json_story.station_id == "baisha-xinqiao" and json_story.theme == "kepu"
    assert json_story.body_md == "11月14日，科普大篷车开进新桥村。\n\n村民200余人参观。\n"
    assert text_story.author == "张强"
    assert text_story.dateline.isoformat() == "2026-11-21T00:30:00+00:00"
    assert "\\# 不是标题" in text_story.body_md and "1\\. 不是列表" in text_story.body_md


def test_a_gbk_text_file_from_windows_is_read(newsroom, store, newsroom_dir) -> None:
    text = "白沙镇开展移风易俗宣传\n日期：2026-11-12\n站点：baisha-xinqiao\n\n倡导婚事新办、丧事简办。\n"
    (newsroom_dir / "inbox" / "notice-gbk.txt").write_bytes(text.encode("gb18030"))
    summary = ingest_all(newsroom, store, now=NOW)
    assert summary.new_reports == 1
    with store.begin() as conn:
        assert snapshot(conn, summary.story_ids[0]).revision.content.title == "白沙镇开展移风易俗宣传"


def test_station_can_come_from_the_subfolder(newsroom, store, newsroom_dir) -> None:
    for folder in ("baisha-xinqiao", "baisha-xinqaio"):
        path = newsroom_dir / "inbox" / folder / "report.txt"
        path.parent.mkdir(parents=True)
        path.write_text("新桥村举办广场舞比赛\n日期：2026-11-15\n\n十支队伍参赛。\n", encoding="utf-8")
    summary = ingest_all(newsroom, store, now=NOW)
    with store.begin() as conn:
        assert snapshot(conn, summary.story_ids[0]).revision.content.station_id == "baisha-xinqiao"
    assert "文件夹“baisha-xinqaio”不是站点编号" in dict(summary.errors)["baisha-xinqaio/report.txt"]


def test_bad_files_are_quarantined_with_a_reason_and_never_deleted(newsroom, store, newsroom_dir) -> None:
    inbox = newsroom_dir / "inbox"
    write_report(newsroom_dir, "ok.md")
    write_report(newsroom_dir, "unknown-station.md", station="no-such-station")
    write_report(newsroom_dir, "bad-date.md", date="上个月")
    (inbox / "no-front-matter.md").write_text("只有正文，没有标题。\n", encoding="utf-8")
    (inbox / "broken.json").write_text('{"title": "缺引号}', encoding="utf-8")
    (inbox / "bad-yaml.md").write_text("---\ntitle: [未闭合\n---\n正文\n", encoding="utf-8")
    originals = {p.name: p.read_bytes() for p in inbox.iterdir() if p.is_file()}

    summary = ingest_all(newsroom, store, now=NOW)

    assert (summary.new_reports, summary.quarantined) == (1, 5)
    quarantine = inbox / "_quarantine"
    for name, data in originals.items():
        if name == "ok.md":
            continue
        assert (quarantine / name).read_bytes() == data, f"{name} must be kept byte for byte"
        assert (quarantine / f"{name}.reason.txt").exists()
    reasons = {name: (quarantine / f"{name}.reason.txt").read_text(encoding="utf-8") for name in originals if name != "ok.md"}
    assert "站点“no-such-station”不在 stations.csv 里" in reasons["unknown-station.md"]
    assert "日期“上个月”无法识别" in reasons["bad-date.md"]
    assert "缺少文件头" in reasons["no-front-matter.md"]
    assert "不是有效的 JSON" in reasons["broken.json"]
    assert "文件头不是有效的 YAML（第 2 行）" in reasons["bad-yaml.md"]
    with store.begin() as conn:
        errors = conn.execute(select(t.ingest_errors)).all()
        raw_errors = conn.execute(select(t.raw_documents.c.error).where(t.raw_documents.c.error.is_not(None))).all()
    assert sorted(e.item for e in errors) == sorted(n for n in originals if n != "ok.md")
    assert len(raw_errors) == 5  # raw bytes stored first, even for bad files


def test_rerunning_ingest_on_the_same_files_creates_nothing_new(newsroom, store, newsroom_dir) -> None:
    write_report(newsroom_dir, "a.md")
    first = ingest_all(newsroom, store, now=NOW)
    assert first.new_reports == 1
    # the same file arrives again (a station re-sends it, or the move to _done was lost in a crash)
    (newsroom_dir / "inbox" / "again.md").write_bytes((newsroom_dir / "inbox" / "_done" / "a.md").read_bytes())
    second = ingest_all(newsroom, store, now=NOW)
    assert (second.new_reports, second.duplicates) == (0, 1)
    assert count(store, t.stories) == 1 and count(store, t.reports) == 1 and count(store, t.raw_documents) == 1
    assert (newsroom_dir / "inbox" / "_done" / "again.md").exists()


def test_a_crash_between_raw_and_report_is_finished_on_the_next_run(newsroom, store, newsroom_dir, monkeypatch) -> None:
    from pipeline.ingest import inbox

    write_report(newsroom_dir, "a.md")

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("simulated crash")

    monkeypatch.setattr(inbox, "_create_report_and_story", crash)
    with contextlib.suppress(KeyboardInterrupt):
        ingest_all(newsroom, store, now=NOW)
    monkeypatch.undo()
    assert count(store, t.raw_documents) == 1 and count(store, t.reports) == 0
    summary = ingest_all(newsroom, store, now=NOW)
    assert summary.new_reports == 1
    assert count(store, t.raw_documents) == 1 and count(store, t.stories) == 1


def test_image_paths_cannot_leave_the_inbox(newsroom, store, newsroom_dir, tmp_path) -> None:
    photo(tmp_path / "secret.jpg")
    write_report(newsroom_dir, "escape.md", extra="images:\n  - ../../secret.jpg\n")
    write_report(newsroom_dir, "absolute.md", extra=f"images:\n  - {tmp_path / 'secret.jpg'}\n")
    summary = ingest_all(newsroom, store, now=NOW)
    assert summary.quarantined == 2
    reasons = dict(summary.errors)
    assert "图片“../../secret.jpg”指向收件箱之外" in reasons["escape.md"]
    assert "写的是绝对路径" in reasons["absolute.md"]
    assert count(store, t.media) == 0


def test_bad_photos_quarantine_the_report_with_the_reason(newsroom, store, newsroom_dir) -> None:
    inbox = newsroom_dir / "inbox"
    good = io.BytesIO()
    Image.new("RGB", (64, 64), "blue").save(good, "JPEG")
    (inbox / "corrupt.jpg").write_bytes(good.getvalue()[:200])
    (inbox / "not-a-photo.jpg").write_text("这不是图片", encoding="utf-8")
    write_report(newsroom_dir, "a.md", extra="images:\n  - corrupt.jpg\n")
    write_report(newsroom_dir, "b.md", extra="images:\n  - not-a-photo.jpg\n")
    write_report(newsroom_dir, "c.md", extra="images:\n  - missing.jpg\n")
    summary = ingest_all(newsroom, store, now=NOW)
    reasons = dict(summary.errors)
    assert summary.quarantined == 3
    assert "不是能读的图片" in reasons["a.md"] or "已损坏" in reasons["a.md"]
    assert "不是能读的图片" in reasons["b.md"]
    assert "图片“missing.jpg”没有找到" in reasons["c.md"]
    # the photos stay in the inbox for when the fixed reports come back
    assert (inbox / "corrupt.jpg").exists() and (inbox / "not-a-photo.jpg").exists()


def test_a_decompression_bomb_is_refused(newsroom, store, newsroom_dir) -> None:
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, "PNG")  # a few KB on disk, 400 megapixels open
    (newsroom_dir / "inbox" / "bomb.png").write_bytes(bomb.getvalue())
    write_report(newsroom_dir, "a.md", extra="images:\n  - bomb.png\n")
    summary = ingest_all(newsroom, store, now=NOW)
    assert summary.quarantined == 1
    assert "解压炸弹" in dict(summary.errors)["a.md"]


def test_a_photo_shared_by_two_reports_serves_both(newsroom, store, newsroom_dir) -> None:
    photo(newsroom_dir / "inbox" / "shared.jpg")
    write_report(newsroom_dir, "a.md", extra="images:\n  - shared.jpg\n")
    write_report(newsroom_dir, "b.md", title="第二篇", body="另一场活动，用了同一张照片。", extra="images:\n  - shared.jpg\n")
    summary = ingest_all(newsroom, store, now=NOW)
    assert summary.new_reports == 2
    assert count(store, t.media) == 1


def test_raw_html_in_a_report_body_is_not_passed_through(newsroom, store, newsroom_dir) -> None:
    from pipeline.text import markdown_to_html

    write_report(newsroom_dir, "x.md", body='<script>alert(1)</script><img src=x onerror=alert(2)>\n\n'
                 '[点我](javascript:alert(3)) [报名](https://example.cn/signup)')
    summary = ingest_all(newsroom, store, now=NOW)
    with store.begin() as conn:
        html = markdown_to_html(snapshot(conn, summary.story_ids[0]).revision.content.body_md)
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html
    assert '<a href="https://example.cn/signup">报名</a>' in html


def test_cli_ingest_reports_what_happened(kitchen, newsroom_dir) -> None:
    write_report(newsroom_dir, "a.md")
    write_report(newsroom_dir, "b.md", station="nowhere")
    output = kitchen("ingest")
    assert "采集：新稿 1 篇，已收过 0 篇，隔离 1 个" in output
    assert "已隔离 b.md：站点“nowhere”不在 stations.csv 里" in output


def test_oversized_files_and_symlinks_are_quarantined_unread(newsroom, store, newsroom_dir, tmp_path) -> None:
    from pipeline.ingest import inbox

    inbox_dir = newsroom_dir / "inbox"
    (inbox_dir / "huge.txt").write_bytes(b"x" * (inbox.MAX_DOCUMENT_BYTES + 1))
    outside = tmp_path / "secret.md"
    outside.write_text("---\ntitle: 机密\nstation: qiaotou\n---\n不该被读入\n", encoding="utf-8")
    (inbox_dir / "link.md").symlink_to(outside)
    summary = ingest_all(newsroom, store, now=NOW)
    reasons = dict(summary.errors)
    assert "文件有 5121 KB，一篇稿件最多 5120 KB" in reasons["huge.txt"]
    assert "这是符号链接，不会跟随读取" in reasons["link.md"]
    assert count(store, t.raw_documents) == 0 and count(store, t.ingest_errors) == 2
    assert (inbox_dir / "_quarantine" / "huge.txt").stat().st_size == inbox.MAX_DOCUMENT_BYTES + 1
    assert (inbox_dir / "_quarantine" / "link.md").is_symlink()
    assert outside.read_text(encoding="utf-8").startswith("---")  # the target is untouched


def test_one_bad_date_quarantines_its_file_and_the_rest_go_on(newsroom, store, newsroom_dir) -> None:
    write_report(newsroom_dir, "0bad.md", date="2026-02-30")
    write_report(newsroom_dir, "1good.md")
    summary = ingest_all(newsroom, store, now=NOW)
    assert (summary.new_reports, summary.quarantined) == (1, 1)
    assert "文件头里有不可能的值" in dict(summary.errors)["0bad.md"]


def test_unread_file_types_stay_in_place_and_are_named(newsroom, store, newsroom_dir) -> None:
    (newsroom_dir / "inbox" / "report.pdf").write_bytes(b"%PDF-1.4 not really")
    (newsroom_dir / "inbox" / "x.md.reason.txt").write_text("a note we wrote", encoding="utf-8")
    summary = ingest_all(newsroom, store, now=NOW)
    assert summary.skipped == [("report.pdf", "不读取“.pdf”文件：请把稿件另存为 .docx、.md、.json 或 .txt 格式")]
    assert summary.new_reports == 0 and summary.quarantined == 0
    assert (newsroom_dir / "inbox" / "report.pdf").exists()


def test_two_ingests_at_once_do_not_both_run(newsroom, store, newsroom_dir) -> None:
    from pipeline.locks import Busy, lock_for

    write_report(newsroom_dir, "a.md")
    with lock_for(newsroom, "ingest"), pytest.raises(Busy, match="另一个 kitchen ingest 或 kitchen run"):
        ingest_all(newsroom, store, now=NOW)
    assert ingest_all(newsroom, store, now=NOW).new_reports == 1


def test_a_report_is_made_once_per_raw_document(store) -> None:
    from sqlalchemy.exc import IntegrityError

    values = dict(raw_document_id=1, source_id="inbox", station_id="x", title="t", body_md="b", text="b",
                  date_source="meta", images=[], flags=[], created_at=NOW)
    with store.begin() as conn:
        conn.execute(t.raw_documents.insert().values(id=1, source_id="inbox", url="inbox:a", fetched_at=NOW,
                                                     headers={}, body=b"", sha256="0" * 64, size=0))
        conn.execute(t.reports.insert().values(**values))
    with pytest.raises(IntegrityError), store.begin() as conn:
        conn.execute(t.reports.insert().values(**values))


def test_a_word_report_with_a_picture(newsroom, store, newsroom_dir, tmp_path) -> None:
    import docx

    picture = photo(tmp_path / "p.jpg", size=(640, 400))
    document = docx.Document()
    document.add_paragraph("白沙镇新桥村开展“冬日暖阳”志愿服务")
    document.add_paragraph("日期：2026-11-25 14:00")
    document.add_paragraph("站点：新桥村新时代文明实践站")
    document.add_paragraph("作者：张敏")
    document.add_paragraph("11月25日下午，新桥村志愿者走访慰问独居老人，送去棉衣和米面油。")
    document.add_picture(str(picture))
    document.add_paragraph("志愿者还帮老人打扫卫生、检查用电安全。")
    document.save(newsroom_dir / "inbox" / "word.docx")
    (newsroom_dir / "inbox" / "broken.docx").write_bytes(b"PK\x03\x04 not a real zip")
    summary = ingest_all(newsroom, store, now=NOW)
    assert summary.new_reports == 1 and "不是可读的 Word（.docx）文件" in dict(summary.errors)["broken.docx"]
    with store.begin() as conn:
        content = snapshot(conn, summary.story_ids[0]).revision.content
    assert content.title == "白沙镇新桥村开展“冬日暖阳”志愿服务"
    assert (content.station_id, content.author) == ("baisha-xinqiao", "张敏")
    assert content.dateline.isoformat() == "2026-11-25T06:00:00+00:00"
    assert content.body_md == ("11月25日下午，新桥村志愿者走访慰问独居老人，送去棉衣和米面油。\n\n"
                               "志愿者还帮老人打扫卫生、检查用电安全。\n")
    assert [(image.width, image.height) for image in content.images] == [(640, 400)]


def test_inbox_formats_are_found_by_extension_and_by_content_type() -> None:
    from pipeline.ingest.documents import (
        FORMATS,
        format_for_content_type,
        format_for_suffix,
        known_suffixes,
    )

    assert [fmt.kind for fmt in FORMATS] == ["docx", "markdown", "json", "text"]
    assert format_for_suffix(".MD") is format_for_suffix(".markdown") is format_for_content_type("text/markdown")
    assert format_for_content_type("text/plain; charset=utf-8") is format_for_suffix(".txt")
    assert format_for_suffix(".doc") is None and format_for_content_type("application/pdf") is None
    assert known_suffixes() == ".docx、.md、.json 或 .txt"


def test_a_link_planted_at_the_note_name_is_never_written_through(newsroom, store, newsroom_dir, tmp_path) -> None:
    quarantine = newsroom_dir / "inbox" / "_quarantine"
    quarantine.mkdir(parents=True)
    outside = tmp_path / "outside.txt"
    outside.write_text("not the newsroom's", encoding="utf-8")
    (quarantine / "a.md.reason.txt").symlink_to(outside)
    (quarantine / "b.md.reason.txt").symlink_to(tmp_path / "created.txt")  # points nowhere yet
    (quarantine / "c.md").symlink_to(tmp_path / "created-by-move.md")
    for name in ("a.md", "b.md", "c.md"):
        write_report(newsroom_dir, name, station="no-such-station")

    summary = ingest_all(newsroom, store, now=NOW)

    assert summary.quarantined == 3
    assert outside.read_text(encoding="utf-8") == "not the newsroom's"
    assert not (tmp_path / "created.txt").exists() and not (tmp_path / "created-by-move.md").exists()
    for name in ("a.md.reason.txt", "b.md.reason.txt", "c.md"):
        assert (quarantine / name).is_symlink()  # neither followed nor replaced
    for name in ("a", "b", "c"):
        note = (quarantine / f"{name}.1.md.reason.txt").read_text(encoding="utf-8")
        assert note.startswith(f"{name}.md\n") and "no-such-station" in note
        assert (quarantine / f"{name}.1.md").is_file()


def test_linked_quarantine_and_done_folders_are_not_written_into(newsroom, store, newsroom_dir, tmp_path) -> None:
    inbox = newsroom_dir / "inbox"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (inbox / "_quarantine").symlink_to(elsewhere)
    (inbox / "_done").symlink_to(elsewhere)
    write_report(newsroom_dir, "bad.md", station="no-such-station")
    write_report(newsroom_dir, "good.md")

    summary = ingest_all(newsroom, store, now=NOW)

    assert summary.new_reports == 1 and list(elsewhere.iterdir()) == []
    skipped = dict(summary.skipped)
    assert "文件无法移到 _quarantine/，仍留在原处" in skipped["bad.md"] and "no-such-station" in skipped["bad.md"]
    assert "已入库，但无法移到 _done/" in skipped["good.md"]
    assert (inbox / "bad.md").exists() and (inbox / "good.md").exists()


def test_a_named_pipe_is_quarantined_unopened_and_the_rest_go_on(newsroom, store, newsroom_dir) -> None:
    import threading

    inbox = newsroom_dir / "inbox"
    os.mkfifo(inbox / "pipe.md")
    write_report(newsroom_dir, "z-good.md")
    result = {}
    worker = threading.Thread(target=lambda: result.update(summary=ingest_all(newsroom, store, now=NOW)), daemon=True)
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():  # today's code waits for a writer: be one, so the thread ends
        os.close(os.open(inbox / "pipe.md", os.O_WRONLY | os.O_NONBLOCK))
        worker.join(timeout=20)
        pytest.fail("ingest waited on a named pipe")
    summary = result["summary"]
    assert summary.new_reports == 1
    assert "这是管道，不是普通文件；只读取普通文件" in dict(summary.errors)["pipe.md"]
    assert stat.S_ISFIFO((inbox / "_quarantine" / "pipe.md").lstat().st_mode)
    assert (inbox / "_quarantine" / "pipe.md.reason.txt").exists()


def test_a_name_that_is_not_utf8_is_quarantined_and_blocks_nothing(newsroom, store, newsroom_dir) -> None:
    inbox = newsroom_dir / "inbox"
    write_report(newsroom_dir, "a-good.md")
    bad = os.path.join(os.fsencode(inbox), b"bad\xff.md")
    os.close(os.open(bad, os.O_WRONLY | os.O_CREAT, 0o644))
    with open(bad, "wb") as handle:
        handle.write((inbox / "a-good.md").read_bytes())
    write_report(newsroom_dir, "z-good.md", title="另一篇报道")

    summary = ingest_all(newsroom, store, now=NOW)

    assert summary.new_reports == 1 and summary.duplicates == 1  # z-good.md is read after the bad name
    assert "文件名不是有效的 UTF-8 编码" in dict(summary.errors)["bad\\xff.md"]
    assert not os.path.lexists(bad)
    assert (inbox / "_quarantine" / "bad%FF.md").is_file()
    assert (inbox / "_quarantine" / "bad%FF.md.reason.txt").read_text(encoding="utf-8").startswith("bad\\xff.md\n")
    with store.begin() as conn:
        assert [row.item for row in conn.execute(select(t.ingest_errors))] == ["bad\\xff.md"]


def test_hidden_and_odd_names_are_quarantined_not_left_in_silence(newsroom, store, newsroom_dir) -> None:
    inbox = newsroom_dir / "inbox"
    write_report(newsroom_dir, "..%2f..%2fsecret.md")
    write_report(newsroom_dir, ".hidden.md")
    write_report(newsroom_dir, "bell\x07.md")
    write_report(newsroom_dir, "good.md", title="另一篇报道")
    (inbox / ".DS_Store").write_bytes(b"\x00")

    summary = ingest_all(newsroom, store, now=NOW)

    reasons = dict(summary.errors)
    assert summary.new_reports == 1 and summary.quarantined == 3
    assert "文件名以点开头" in reasons["..%2f..%2fsecret.md"] and "文件名以点开头" in reasons[".hidden.md"]
    assert "文件名含有控制字符" in reasons["bell\\x07.md"]
    assert sorted(p.name for p in (inbox / "_quarantine").iterdir() if not p.name.endswith(".reason.txt")) == [
        "_.%2f..%2fsecret.md", "_hidden.md", "bell%07.md"]
    assert (inbox / ".DS_Store").exists() and summary.skipped == []


def test_a_word_zip_bomb_is_refused_before_it_is_unpacked(newsroom, store, newsroom_dir) -> None:
    import zipfile

    from pipeline.ingest import documents

    def word_file(name: str, members: dict[str, bytes]) -> None:
        with zipfile.ZipFile(newsroom_dir / "inbox" / name, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, data in members.items():
                archive.writestr(member, data)

    paragraph = b"<w:p><w:r><w:t>\xe6\x9d\x91\xe6\xb0\x91</w:t></w:r></w:p>"
    body = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    text = body + paragraph * 200_000  # 7 MB of text
    word_file("text.docx", {"word/document.xml": text})
    word_file("paragraphs.docx", {"word/document.xml": body + b"<w:p/>" * (documents.MAX_PARAGRAPHS + 1)})
    word_file("unpacked.docx", {"word/document.xml": body, "word/media/image1.bmp": bytes(60 * 1024 * 1024)})
    word_file("parts.docx", {f"customXml/item{n}.xml": b"<a/>" for n in range(documents.MAX_ARCHIVE_MEMBERS + 1)})
    assert all(p.stat().st_size < 200_000 for p in (newsroom_dir / "inbox").glob("*.docx"))

    summary = ingest_all(newsroom, store, now=NOW)

    reasons = dict(summary.errors)
    assert summary.quarantined == 4
    assert f"Word 文件的文字解压后有 {len(text) // 1024} KB，最多读取 2048 KB" in reasons["text.docx"]
    assert f"Word 文件有 {documents.MAX_PARAGRAPHS + 1} 个段落，最多读取 5000 个" in reasons["paragraphs.docx"]
    assert "Word 文件解压后有 60 MB，最多读取 50 MB" in reasons["unpacked.docx"]
    assert "Word 文件有 1001 个部件，最多读取 1000 个" in reasons["parts.docx"]


def test_a_file_that_takes_too_long_to_read_is_quarantined_and_the_rest_go_on(
        newsroom, store, newsroom_dir, monkeypatch) -> None:
    monkeypatch.setattr("pipeline.ingest.inbox.PARSE_SECONDS", 1.0)
    monkeypatch.setattr(JsonFormat, "parse", classmethod(lambda cls, data: time.sleep(5)))
    (newsroom_dir / "inbox" / "slow.json").write_text("{}", encoding="utf-8")
    write_report(newsroom_dir, "good.md")
    summary = ingest_all(newsroom, store, now=NOW)
    assert (summary.new_reports, summary.quarantined) == (1, 1)
    assert dict(summary.errors)["slow.json"] == "读取文件超过 1 秒，已跳过"
    assert (newsroom_dir / "inbox" / "_quarantine" / "slow.json").exists()
