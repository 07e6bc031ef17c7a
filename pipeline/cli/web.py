"""The static site: build it from the ledger, roll it back, list its builds, preview it locally."""

import errno
import threading
from contextlib import suppress
from datetime import datetime
from typing import Annotated

import typer

from pipeline import words
from pipeline.cli.context import console, ctx, err, local_time, plain_errors, say
from pipeline.cli.helptext import Commands
from pipeline.locks import holding
from pipeline.render.site import SiteOutput, build_site, rollback
from pipeline.sitehost import PortUnavailable, serve

app = Commands()
group = Commands(help=words.help.WEB, no_args_is_help=True)


@group.command("build", help=words.help.WEB_BUILD)
def web_build(
    full: Annotated[bool, typer.Option("--full", help=words.help.WEB_BUILD_FULL)] = False,
) -> None:
    """Build the site from what the ledger says is live, and switch it in (after a template change)."""
    with plain_errors(), holding(ctx().newsroom, "publish", wait=60), ctx().store.read() as conn:
        result = build_site(ctx().newsroom, conn, full=full)
    say(words.cli.DONE, "green", words.cli.site_built(result.build, len(result.written), len(result.removed),
                                                      result.total, result.seconds, ctx().newsroom.root / "site" / "live"))


@group.command("rollback", help=words.help.WEB_ROLLBACK)
def web_rollback() -> None:
    """Switch the live site back to the build before the current one."""
    with plain_errors(), holding(ctx().newsroom, "publish", wait=60):
        build = rollback(ctx().newsroom)
    say(words.cli.DONE, "green", words.cli.site_rolled_back(build.name))


@group.command("status", help=words.help.WEB_STATUS)
def web_status() -> None:
    """The live build and the ones kept for rollback."""
    output = SiteOutput(ctx().newsroom.root / "site")
    current = output.current()
    for build in output.history():
        mark = words.cli.LIVE if build == current else ""
        console.print(f"{build.name}  {local_time(datetime.fromtimestamp(build.stat().st_mtime).astimezone())}  {mark}")
    if current is None:
        console.print(words.cli.site_empty())


@app.command(help=words.help.PREVIEW)
def preview(
    port: Annotated[int, typer.Option(help=words.help.PREVIEW_PORT)] = 8000,
) -> None:
    """Serve the live site on 127.0.0.1 for a look in a browser (Ctrl-C stops)."""
    with plain_errors():
        live = ctx().newsroom.root / "site" / "live"
        if not live.exists():
            raise LookupError(words.cli.nothing_to_preview())
    try:
        with serve(live, port, jail=live.parent) as host:
            console.print(words.cli.serving_site(live.resolve(), host.base_url))
            with suppress(KeyboardInterrupt):
                threading.Event().wait()
    except PortUnavailable as exc:
        say(words.cli.ERROR, "red", words.cli.port_busy(port, exc.errno == errno.EADDRINUSE, exc.reason), err)
        raise typer.Exit(1) from None
