"""The `kitchen` command's help, in Chinese from `words.help`.

Typer and click write the parts of `--help` that they own (the usage line, the section headings,
`--help`'s own line, an option's value type, `[default: …]`, `[required]`) in English through
gettext, which reads its catalogues from files chosen by the shell's locale. Instead of changing
gettext for the whole process, the commands here use click's documented extension points:
`Typer(cls=…)` and `command(cls=…)` give every group and command a class that writes its usage
line, its sections and `--help`'s line itself. `Commands` is a Typer whose groups and commands are
those classes, so each module of `pipeline.cli` only writes `Commands()`.

What is not covered: click's own error messages for a mistyped command line (`Error: No such
option`, `Missing argument`, `Try 'kitchen … --help' for help.`) and typer's `Aborted!` still come
from their gettext strings in English."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from pipeline import words


def _argument_name(param: Any) -> str:
    return str(param.metavar or words.help.ARGUMENT_NAMES.get(param.name, param.name))


def _value_name(param: Any) -> str:
    if param.metavar:
        return str(param.metavar)
    for opt in param.opts:
        if opt in words.help.VALUES:
            return words.help.VALUES[opt]
    return words.help.VALUE


def _shown_default(param: Any) -> str | None:
    """The default an option shows after its help, or None (flags, no default, lists)."""
    value = param.default
    if (param.param_type_name != "option" or param.is_flag or not param.show_default or callable(value)
            or value is None or value == "" or isinstance(value, (list, tuple))):
        return None
    return str(value)


def help_record(param: Any) -> tuple[str, str] | None:
    """One line of the options or arguments list: the names (and the value an option takes), and
    its help with its notes (default, environment variable, required) in brackets."""
    if getattr(param, "hidden", False):
        return None
    if param.param_type_name == "argument":
        term = _argument_name(param) + ("..." if param.nargs != 1 else "")
    else:
        names = sorted(param.opts, key=lambda opt: len(opt) - len(opt.lstrip("-")))
        term = ", ".join(names)
        if param.secondary_opts:
            term += " / " + ", ".join(param.secondary_opts)
        if not param.is_flag and not param.count:
            term += f" {_value_name(param)}" + ("..." if param.multiple else "")
    notes = []
    if param.param_type_name == "option" and param.show_envvar and isinstance(param.envvar, str):
        notes.append(words.help.env_var(param.envvar))
    if (shown := _shown_default(param)) is not None:
        notes.append(words.help.default(shown))
    if param.required:
        notes.append(words.help.REQUIRED)
    return term, words.help.with_notes(param.help or "", notes)


def short_help(text: str | None) -> str:
    """A command's line in its group's list: the first sentence of its help."""
    first = (text or "").strip().split("\n\n")[0]
    end = first.find("。")
    return first[: end + 1] if end >= 0 else first


# --- layout: click measures text by characters; a Chinese character takes two columns ----------------

UNITS = re.compile(r"\s+|[!-~]+|.")  # spaces, a run of ASCII (an option, a file name, a word), one character
NO_LINE_START = set("，。、；：？！）］」』…")
NO_LINE_END = set("（［「『“")


def width(text: str) -> int:
    """Columns `text` takes in a terminal."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, columns: int) -> list[str]:
    """`text` in lines of at most `columns` columns, broken between Chinese characters or at
    spaces, never inside an option or a file name, with no line starting with `，。）` or ending
    with `（` (the characters before such a mark go down with it)."""
    lines: list[list[str]] = [[]]
    for unit in UNITS.findall(" ".join(text.split())):
        line = lines[-1]
        if unit.isspace():
            if line:
                line.append(" ")
            continue
        if line and width("".join(line) + unit) > columns:
            following = [*line, unit]
            cut = next((k for k in range(len(line), 0, -1)
                        if following[k] not in NO_LINE_START and line[k - 1] not in NO_LINE_END), len(line))
            lines[-1], lines[len(lines):] = line[:cut], [line[cut:]]
            line = lines[-1]
        line.append(unit)
    joined = ("".join(line).strip() for line in lines)
    return [line for line in joined if line]


def write_rows(formatter: Any, rows: list[tuple[str, str]]) -> None:
    """Two columns (a name and its help), as click's `write_dl` does, measured in columns."""
    indent = " " * formatter.current_indent
    first = min(max(width(term) for term, _ in rows), 30)
    columns = max(formatter.width - formatter.current_indent - first - 2, 20)
    for term, text in rows:
        lines = wrap(text, columns) or [""]
        if width(term) > first:
            formatter.write(f"{indent}{term}\n")
        else:
            formatter.write(f"{indent}{term}{' ' * (first - width(term) + 2)}{lines.pop(0)}\n")
        for line in lines:
            formatter.write(f"{indent}{' ' * (first + 2)}{line}\n")


def write_section(formatter: Any, heading: str, rows: list[tuple[str, str]]) -> None:
    formatter.write_paragraph()
    formatter.write(f"{' ' * formatter.current_indent}{heading}：\n")
    formatter.indent()
    write_rows(formatter, rows)
    formatter.dedent()


class _ChineseHelp:
    """What a Chinese-speaking command writes itself in its `--help` (mixed into typer's classes)."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = words.help.HELP_OPTION
        return option

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write(f"{words.help.USAGE}{' '.join([ctx.command_path, *self.collect_usage_pieces(ctx)])}\n")

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [words.help.OPTIONS_SLOT]
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            if param.param_type_name == "argument":
                name = _argument_name(param)
                pieces.append((f"{{{name}}}" if param.required else f"[{name}]") + ("..." if param.nargs != 1 else ""))
        return pieces

    def format_help_text(self, ctx: Any, formatter: Any) -> None:
        text = (getattr(self, "help", None) or "").strip()
        if not text:
            return
        formatter.write_paragraph()
        formatter.indent()
        indent = " " * formatter.current_indent
        for n, paragraph in enumerate(text.split("\n\n")):
            if n:
                formatter.write("\n")
            for line in wrap(paragraph, formatter.width - formatter.current_indent):
                formatter.write(f"{indent}{line}\n")
        formatter.dedent()

    def format_options(self, ctx: Any, formatter: Any) -> None:
        records = [(param.param_type_name, record) for param in self.get_params(ctx)  # type: ignore[attr-defined]
                   if (record := help_record(param)) is not None]
        for kind, heading in (("argument", words.help.ARGUMENTS), ("option", words.help.OPTIONS)):
            rows = [record for of, record in records if of == kind]
            if rows:
                write_section(formatter, heading, rows)

    def get_short_help_str(self, limit: int = 45) -> str:
        return short_help(getattr(self, "short_help", None) or getattr(self, "help", None))


class ChineseCommand(_ChineseHelp, TyperCommand):
    """A `kitchen` command whose help is all Chinese."""


class ChineseGroup(_ChineseHelp, TyperGroup):
    """A `kitchen` group (the root, `kitchen broadcast`, …) whose help is all Chinese."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [*super().collect_usage_pieces(ctx), words.help.COMMAND_SLOT]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        super().format_options(ctx, formatter)
        rows = [(name, command.get_short_help_str()) for name in self.list_commands(ctx)
                if (command := self.get_command(ctx, name)) is not None and not command.hidden]
        if rows:
            write_section(formatter, words.help.COMMANDS, rows)


class Commands(typer.Typer):
    """A Typer whose groups and commands write their help in Chinese; plain text (no rich markup,
    so `[loudspeaker.slots]` shows as written)."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(cls=ChineseGroup, rich_markup_mode=None, **settings)

    def command(self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **settings: Any) -> Any:
        return super().command(name, cls=cls or ChineseCommand, **settings)


# --- click's usage errors, said in Chinese ---------------------------------------------------------

# click builds its messages in English: the ones a mistyped command line meets are read back here.
_NO_SUCH_COMMAND = re.compile(r"No such command '(?P<name>.*)'")
_EXTRA = re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((?P<values>.*)\)")
_NEEDS_VALUE = re.compile(r"Option '(?P<option>[^']+)' requires an argument")
_NOT_INTEGER = re.compile(r"(?:'(?P<value>.*)' is not a )?valid integer")
_NOT_CHOICE = re.compile(r"'(?P<value>.*)' is not one of (?P<choices>.*?)\.?$")


def _param_name(param: Any) -> str:
    if param is None:
        return words.help.VALUE
    if getattr(param, "param_type_name", "") == "argument":
        return "{" + _argument_name(param) + "}"
    return str(max(param.opts, key=len)) if param.opts else str(param.name)


def usage_error_message(exc: Any) -> str:
    """The Chinese sentence for one of click's usage errors (`exc`), by its kind and its facts."""
    kind = type(exc).__name__
    message = str(getattr(exc, "message", "") or "")
    param = getattr(exc, "param", None)
    if kind == "MissingParameter":
        name = _param_name(param)
        return (words.help.missing_argument(name) if getattr(param, "param_type_name", "") == "argument"
                else words.help.missing_option(name))
    if kind == "NoSuchOption":
        return words.help.no_such_option(exc.option_name, list(exc.possibilities or []))
    if kind == "BadParameter":
        name = _param_name(param) if param is not None else str(exc.param_hint or words.help.VALUE)
        if found := _NOT_CHOICE.search(message):
            return words.help.not_a_choice(name, found.group("value"), found.group("choices"))
        if found := _NOT_INTEGER.search(message):
            return words.help.not_a_whole_number(name, found.group("value"))
        return words.help.bad_value(name, message)
    if found := _NO_SUCH_COMMAND.search(message):
        return words.help.no_such_command(found.group("name"))
    if found := _EXTRA.search(message):
        return words.help.extra_arguments(found.group("values"))
    if found := _NEEDS_VALUE.search(message):
        return words.help.needs_value(found.group("option"))
    return message


def show_usage_error(exc: Any) -> None:
    """What click's `UsageError.show` prints, in Chinese: the usage line, how to get help, the error."""
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        typer.echo(f"{ctx.get_usage()}\n{words.help.try_help(ctx.command_path)}\n", err=True)
    typer.echo(f"{words.help.ERROR}{usage_error_message(exc)}", err=True)
