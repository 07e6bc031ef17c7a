"""Time limits on the work done for one input, so one pathological page, file or card cannot hold
ingest or rendering."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import ParamSpec, TypeVar

from pipeline import words

P = ParamSpec("P")
R = TypeVar("R")

EXTRACT_SECONDS = 30.0
"""One fetched page's extraction: a normal page takes well under a second, so a page still being
read after 30 s is pathological (huge or hostile markup) and is left out rather than holding ingest."""

PARSE_SECONDS = 30.0
"""One inbox document's parse (e.g. a .docx through mammoth): the same reasoning as for pages."""

CARD_SECONDS = 60.0
"""One card or poster: a few hundred milliseconds from a 4000×3000 photo; a minute means something
is wrong with that story's input. (A clip's encode has its own limit, `[render] clip_timeout_seconds`.)"""


class TookTooLong(TimeoutError):
    """The work for one input ran past its time limit."""

    def __init__(self, seconds: float) -> None:
        super().__init__(words.common.took_too_long(seconds))
        self.seconds = seconds


def within(seconds: float, work: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """`work(*args, **kwargs)`, raising TookTooLong if it runs longer than `seconds`.

    The limit uses SIGALRM (`setitimer(ITIMER_REAL)`), which only the main thread receives: off the
    main thread (e.g. an ingest started from the desk's worker thread) the work runs without a limit.
    Python runs the handler between bytecodes, so one long call into C code is stopped only when it
    returns. The previous SIGALRM handler and timer are put back afterwards (a timer that was already
    running is re-armed with what was left of it, less the time this work took)."""
    if threading.current_thread() is not threading.main_thread():
        return work(*args, **kwargs)

    def alarm(signum: int, frame: FrameType | None) -> None:
        raise TookTooLong(seconds)

    previous = signal.signal(signal.SIGALRM, alarm)
    started = time.monotonic()
    old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        try:
            return work(*args, **kwargs)
        finally:  # an alarm that lands in here still leaves the outer block to restore things
            signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
        if old_delay > 0:
            left = old_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6), old_interval)
