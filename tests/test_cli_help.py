"""`kitchen --help` is Chinese (issue 13): every command's and subcommand's help, found from the
command tree so that a new command is walked too, has no English outside identifiers; its texts
come from `words.help`; and it is laid out in terminal columns (a Chinese character takes two)."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from pipeline import words
from pipeline.cli import app
from pipeline.cli.helptext import short_help, width, wrap
from tests.test_chinese import english_fragments, english_words

ROOT = typer.main.get_command(app)


def command_paths(command: Any = ROOT, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command's path under `kitchen`, the root itself first."""
    found = [prefix]
    for name, sub in getattr(command, "commands", {}).items():
        found += command_paths(sub, (*prefix, name))
    return found


def command_at(path: tuple[str, ...]) -> Any:
    command = ROOT
    for name in path:
        command = command.commands[name]
    return command


PATHS = command_paths()

# Identifiers a help text names as they are typed: the commands (a group lists its commands by
# name), role, state, channel and slot ids, rendition kinds, the environment variables (the
# options' own and the editor's), a date format, an HTTP header, a key, the demo's folder.
IDENTIFIERS = (
    {name for path in PATHS for name in path} | set(words.ROLES) | set(words.STORY_STATES) | set(words.CHANNEL_KINDS) | set(words.SLOTS)
    | {"card-poster", "clip-vertical", "cards", "clips", "EDITOR", "YYYY-MM-DD", "X-Forwarded-For", "Ctrl-C", "demo-newsroom"}
    | {param.envvar for path in PATHS for param in command_at(path).params if isinstance(param.envvar, str)}
)


def help_of(path: tuple[str, ...], columns: int = 200) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], terminal_width=columns, prog_name="kitchen")
    assert result.exit_code == 0, (path, result.output)
    return result.output


def test_the_walk_finds_every_command_and_group() -> None:
    assert {(), ("approve",), ("kill",), ("broadcast",), ("broadcast", "build"), ("users", "add"),
            ("web", "build"), ("db", "upgrade"), ("tts", "check")} <= set(PATHS)
    assert len(PATHS) > 30


@pytest.mark.parametrize("path", PATHS, ids=lambda path: " ".join(("kitchen", *path)))
def test_every_help_is_chinese(path: tuple[str, ...]) -> None:
    text = help_of(path)
    assert text.startswith(f"用法：kitchen {' '.join(path)}".rstrip() + " [选项]"), text
    assert "选项：" in text and "--help  " in text and "显示本帮助，然后退出。" in text
    assert english_words(text, allow=IDENTIFIERS) == [], english_fragments(text, allow=IDENTIFIERS)
    # The command line's own English is gone: headings, the usage line, types, defaults.
    for english in ("Usage", "Options", "Arguments", "Commands", "Show this message", "[default", "[required]",
                    "env var", "<str>", "<int>", "[OPTIONS]"):
        assert english not in text, (path, english)


@pytest.mark.parametrize("path", PATHS, ids=lambda path: " ".join(("kitchen", *path)))
def test_every_line_fits_an_80_column_terminal(path: tuple[str, ...]) -> None:
    for line in help_of(path, columns=80).splitlines():
        assert width(line) <= 80 or " " not in line.strip(), (path, line)


def test_every_help_text_comes_from_words_help() -> None:
    """The command definitions name `words.help`'s texts: no help is written in the commands."""
    texts = {value for value in vars(words.help).values() if isinstance(value, str)} | set(words.help.ACTIONS.values())
    for path in PATHS:
        command = command_at(path)
        assert command.help in texts, (path, command.help)
        for param in command.params:
            assert param.help in texts, (path, param.name, param.help)


def test_help_shows_names_and_defaults_in_chinese() -> None:
    text = help_of(("approve",))
    assert "用法：kitchen approve [选项] {稿件编号}..." in text
    assert "参数：\n  稿件编号...  稿件编号，可写一个或几个。［必填］" in text
    assert "--channels 频道..." in text and "[publish] channels" in text
    root = help_of(())
    assert "用法：kitchen [选项] 命令 [参数]..." in root
    assert "环境变量 KITCHEN_ROLE；默认：admin］" in root
    assert "命令：\n" in root and "  approve    签发稿件，立即发布或在指定时间发布。\n" in root
    assert "--version" in root and words.help.VERSION in root
    assert "［默认：200］" in help_of(("stories",))


def test_the_command_list_shows_each_command_s_first_sentence() -> None:
    assert short_help("发布。把到期的稿件发出。") == "发布。"
    assert short_help("没有句号的一句") == "没有句号的一句"
    assert short_help(None) == ""


def test_wrapping_counts_chinese_characters_as_two_columns() -> None:
    assert width("稿件 id") == 7
    lines = wrap("在哪些频道发布，用逗号分开（--channels web,rss 或 --channels web --channels rss）。", 20)
    assert all(width(line) <= 20 for line in lines), lines
    assert "".join(lines).replace(" ", "") == "在哪些频道发布，用逗号分开（--channelsweb,rss或--channelsweb--channelsrss）。"
    assert any(line.startswith("--channels") or " --channels" in line for line in lines)  # never cut inside
    assert not any(line[0] in "，。）］" for line in lines) and not any(line[-1] in "（［" for line in lines)
    assert wrap("一二三四五。", 10) == ["一二三四", "五。"]  # a closing mark takes the character before it down
    assert wrap("", 10) == []


# A mistyped command line: click's refusals, said in Chinese by `kitchen` itself (exit code 2).
MISTYPED = [
    (("approve",), "缺少参数 {稿件编号}"),
    (("approve", "--bogus", "1"), "没有 --bogus 这个选项"),
    (("nosuch",), "没有 nosuch 这个命令"),
    (("approve", "abc"), "{稿件编号} 应当是整数"),
    (("approve", "1", "--at"), "选项 --at 后面要写一个值"),
    (("status", "extra"), "多出了参数：extra"),
]


@pytest.mark.parametrize(("line", "said"), MISTYPED, ids=lambda value: " ".join(value) if isinstance(value, tuple) else "")
def test_a_mistyped_command_line_is_refused_in_chinese(tmp_path, line: tuple[str, ...], said: str) -> None:
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "pipeline.cli", "--newsroom", str(tmp_path), *line],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2, run.stdout + run.stderr
    assert f"错误：{said}" in run.stderr, run.stderr
    assert english_words(run.stderr, allow=("nosuch", "extra")) == [], run.stderr  # what was typed is echoed
    assert "Traceback" not in run.stderr and "Error:" not in run.stderr
