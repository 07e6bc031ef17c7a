"""What every `kitchen` command shares: the newsroom and store it works on, who is acting, the
consoles, and the turning of errors a person can act on into messages and exit codes."""

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import typer
from rich.console import Console, ConsoleDimensions
from rich.table import Table
from rich.text import Text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from pipeline import words
from pipeline.config import ConfigError, NewsroomNotFound, find_newsroom, load_newsroom
from pipeline.ingest.documents import DocumentError
from pipeline.ledger import LedgerBusy
from pipeline.locks import Busy
from pipeline.scaffold import ScaffoldError
from pipeline.settings import Newsroom
from pipeline.store import Store, open_store
from pipeline.stories import Actor, StoryNotFound
from pipeline.timeutil import format_local
from pipeline.workflow import WorkflowError

UNWRAPPED = 10_000  # the width a console takes when it writes to a pipe or a file


class KitchenConsole(Console):
    """A console that hard-wraps only for a terminal. Written to a pipe, a file or a test's
    capture, rich would break lines at 80 columns wherever the 80th column falls — inside a
    number, a word, a path (`第 000001 ⏎版`, `app⏎roved`) — and squeeze tables by cutting their
    widest column; there each line is as long as its text, and a table as wide as its cells, so
    `grep` and `less` see whole lines. Whether the output is a terminal is asked at each print:
    the same console serves a terminal and a test's captured output. A width given in code
    holds everywhere; `COLUMNS` sizes a terminal's lines only."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._fixed_width = kwargs.get("width") is not None

    @property
    def size(self) -> ConsoleDimensions:
        size = super().size
        if not self._fixed_width and not self.is_terminal:
            return ConsoleDimensions(UNWRAPPED, size.height)
        return size

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        self._width, self._height = new_size
        self._fixed_width = True

    @property
    def width(self) -> int:
        return self.size.width

    @width.setter
    def width(self, width: int) -> None:
        self._width = width
        self._fixed_width = True


# Markup is off: titles, notes and error messages carry text from reports and config files, and a
# `[` in them must print as itself. Colour is applied with `say` instead.
console = KitchenConsole(highlight=False, markup=False)
err = KitchenConsole(stderr=True, highlight=False, markup=False)


def folding(table: Table) -> Table:
    """`table` with every column folding a long cell onto more lines rather than cutting it
    with `…` when a terminal is too narrow: a path or an address is read whole."""
    for column in table.columns:
        column.overflow = "fold"
    return table


def say(label: str, style: str, message: str = "", to: Console | None = None) -> None:
    """Print `label` in colour followed by plain `message` (after a space, unless the label ends
    with a full-width colon)."""
    gap = "" if label.endswith("：") else " "
    (to or console).print(Text.assemble((label, style), f"{gap}{message}" if message else ""))


class Context:
    """What every command needs: which newsroom, and who is acting. The newsroom and the store
    are opened on first use, so `kitchen init` and `--help` need neither."""

    def __init__(self, newsroom_dir: str | None, user: str | None, role: str):
        self.newsroom_dir = newsroom_dir
        self.actor = Actor(f"cli:{user or _login_name()}", role)
        self._newsroom: Newsroom | None = None
        self._store: Store | None = None

    @property
    def newsroom(self) -> Newsroom:
        if self._newsroom is None:
            self._newsroom = load_newsroom(find_newsroom(self.newsroom_dir))
        return self._newsroom

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.newsroom)
        return self._store

    def database_shown(self) -> str:
        """The newsroom's database URL without its password, or `?` before the newsroom is loaded."""
        if self._newsroom is None:
            return "?"
        return make_url(self._newsroom.database_url).render_as_string(hide_password=True)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


STATE: dict[str, Context] = {}


def ctx() -> Context:
    """The context the root callback set up for this invocation."""
    return STATE["ctx"]


@contextmanager
def plain_errors() -> Iterator[None]:
    """Turn the errors people can act on into messages and exit codes instead of tracebacks."""
    try:
        yield
    except ConfigError as exc:
        for problem in exc.problems:
            say(words.cli.CONFIG_ERROR, "red", str(problem), err)
        raise typer.Exit(2) from None
    except NewsroomNotFound as exc:
        say(words.cli.ERROR, "red", str(exc), err)
        raise typer.Exit(2) from None
    except (WorkflowError, LedgerBusy) as exc:
        say(words.cli.REFUSED, "red", str(exc), err)
        raise typer.Exit(1) from None
    except (StoryNotFound, DocumentError, ScaffoldError, Busy, LookupError, ValueError) as exc:
        say(words.cli.ERROR, "red", str(exc), err)
        raise typer.Exit(1) from None
    except OperationalError as exc:
        say(words.cli.ERROR, "red", words.cli.database_unusable(ctx().database_shown(), exc.orig), err)
        raise typer.Exit(2) from None


def local_time(moment: datetime | None) -> str:
    """A moment in the newsroom's time zone, as the commands print it."""
    return format_local(moment, ctx().newsroom.tz)


def state_label(state: str) -> str:
    """A story state as editors read it, e.g. `已签发` (`--state` takes it, or the id `approved`)."""
    return words.name_of(words.STORY_STATES, state)


def state_id(given: str) -> str:
    """The state id named by `given`: the id itself (`draft`) or its Chinese name (`草稿`)."""
    given = given.strip()
    if given in words.STORY_STATES:
        return given
    for state, name in words.STORY_STATES.items():
        if name == given:
            return state
    raise ValueError(words.cli.state_unknown(given, words.STORY_STATES))
