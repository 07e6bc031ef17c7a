"""Atomic writes: a reader sees the old file (or folder) or the whole new one, and a failed write
leaves nothing behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pipeline.fsutil import (
    UnsafePath,
    atomic_copy,
    atomic_folder,
    atomic_output,
    atomic_symlink,
    atomic_write,
    folder_without_links,
    move_entry,
    read_regular_file,
    remove_stale_temp_files,
    unique_destination,
    write_new_file,
)


def test_atomic_write_takes_text_and_bytes_and_gives_ordinary_permissions(tmp_path: Path) -> None:
    atomic_write(tmp_path / "a.txt", "第一篇\n")
    atomic_write(tmp_path / "b.bin", b"\x00\x01")
    ordinary = tmp_path / "ordinary"
    ordinary.write_bytes(b"")
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "第一篇\n"
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == stat.S_IMODE(ordinary.stat().st_mode)


def test_atomic_write_can_make_a_private_file(tmp_path: Path) -> None:
    atomic_write(tmp_path / "secret", b"key", mode=0o600)
    assert stat.S_IMODE((tmp_path / "secret").stat().st_mode) == 0o600


def test_a_tool_writing_by_name_replaces_the_file_only_when_it_finishes(tmp_path: Path) -> None:
    target = tmp_path / "out" / "audio.mp3"
    with atomic_output(target) as temporary:
        assert temporary.suffix == ".mp3" and temporary.parent == target.parent
        temporary.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    with pytest.raises(RuntimeError), atomic_output(target) as temporary:
        temporary.write_bytes(b"half")
        raise RuntimeError("the tool failed")
    assert target.read_bytes() == b"new"
    assert os.listdir(target.parent) == ["audio.mp3"]


def test_atomic_copy(tmp_path: Path) -> None:
    (tmp_path / "source.jpg").write_bytes(b"photo")
    atomic_copy(tmp_path / "source.jpg", tmp_path / "copies" / "photo.jpg")
    assert (tmp_path / "copies" / "photo.jpg").read_bytes() == b"photo"


def test_a_folder_is_swapped_in_whole_or_not_at_all(tmp_path: Path) -> None:
    destination = tmp_path / "packages" / "morning"
    with atomic_folder(destination) as work:
        (work / "script.txt").write_text("old", encoding="utf-8")
        (work / "extra.txt").write_text("only in the old one", encoding="utf-8")
    with atomic_folder(destination) as work:
        (work / "script.txt").write_text("new", encoding="utf-8")
    assert sorted(os.listdir(destination)) == ["script.txt"]
    with pytest.raises(RuntimeError), atomic_folder(destination) as work:
        (work / "script.txt").write_text("broken", encoding="utf-8")
        raise RuntimeError("the build failed")
    assert (destination / "script.txt").read_text(encoding="utf-8") == "new"
    assert os.listdir(destination.parent) == ["morning"]


def test_a_link_is_repointed_in_one_rename(tmp_path: Path) -> None:
    (tmp_path / "build-1").mkdir()
    (tmp_path / "build-2").mkdir()
    atomic_symlink(tmp_path / "live", "build-1")
    atomic_symlink(tmp_path / "live", "build-2")
    assert os.readlink(tmp_path / "live") == "build-2"
    assert sorted(os.listdir(tmp_path)) == ["build-1", "build-2", "live"]


def test_leftovers_of_interrupted_writes_are_removed(tmp_path: Path) -> None:
    (tmp_path / "story-1").mkdir()
    (tmp_path / "story-1" / ".tmp-rev-1.json.abc").write_bytes(b"{")
    (tmp_path / ".tmp-folder-1234").mkdir()
    (tmp_path / ".tmp-folder-1234" / ".tmp-inner").write_bytes(b"")
    (tmp_path / "story-1" / "rev-1.json").write_bytes(b"{}")
    assert remove_stale_temp_files(tmp_path) == 2
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["rev-1.json", "story-1"]


def test_a_new_file_is_never_written_through_a_link(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("kept", encoding="utf-8")
    (tmp_path / "note.txt").symlink_to(outside)
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "would-be-created.txt")
    for name in ("note.txt", "dangling.txt"):
        with pytest.raises(FileExistsError):
            write_new_file(tmp_path / name, "written through")
    assert outside.read_text(encoding="utf-8") == "kept" and not (tmp_path / "would-be-created.txt").exists()
    write_new_file(tmp_path / "fresh.txt", "说明\n")
    assert (tmp_path / "fresh.txt").read_text(encoding="utf-8") == "说明\n"


def test_a_link_takes_a_name_and_moves_never_replace_it(tmp_path: Path) -> None:
    (tmp_path / "a.md").symlink_to(tmp_path / "nowhere")
    (tmp_path / "a.1.md.note").write_text("", encoding="utf-8")
    assert unique_destination(tmp_path / "a.md") == tmp_path / "a.1.md"
    assert unique_destination(tmp_path / "a.md", companions=(".note",)) == tmp_path / "a.2.md"
    (tmp_path / "source.md").write_text("报道", encoding="utf-8")
    with pytest.raises(FileExistsError):
        move_entry(tmp_path / "source.md", tmp_path / "a.md")
    assert (tmp_path / "a.md").is_symlink()
    move_entry(tmp_path / "source.md", tmp_path / "a.2.md")
    assert (tmp_path / "a.2.md").read_text(encoding="utf-8") == "报道"


def test_folders_on_the_way_may_not_be_links(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "linked").symlink_to(tmp_path / "elsewhere")
    assert folder_without_links(tmp_path / "root", tmp_path / "root" / "a" / "b").is_dir()
    with pytest.raises(UnsafePath, match="是符号链接，不是文件夹"):
        folder_without_links(tmp_path / "root", tmp_path / "root" / "linked" / "c")
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    (tmp_path / "file.md").write_bytes(b"text")
    (tmp_path / "link.md").symlink_to(tmp_path / "file.md")
    os.mkfifo(tmp_path / "pipe.md")  # no writer: an ordinary open would wait for one forever
    assert read_regular_file(tmp_path / "file.md") == b"text"
    with pytest.raises(UnsafePath, match="是符号链接"):
        read_regular_file(tmp_path / "link.md")
    with pytest.raises(UnsafePath, match="是管道，不是普通文件"):
        read_regular_file(tmp_path / "pipe.md")
