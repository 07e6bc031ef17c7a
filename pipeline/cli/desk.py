"""`kitchen desk`: serve the editors' desk."""

import errno
import socket
from typing import Annotated

import typer

from pipeline import words
from pipeline.cli.context import console, ctx, err, plain_errors, say
from pipeline.cli.helptext import Commands

app = Commands()


@app.command(help=words.help.DESK)
def desk(
    host: Annotated[str, typer.Option("--host", help=words.help.DESK_HOST)] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help=words.help.DESK_PORT)] = 8700,
    trusted_proxy: Annotated[list[str] | None, typer.Option(
        "--trusted-proxy", help=words.help.DESK_TRUSTED_PROXY)] = None,
) -> None:
    """Serve the editors' desk (log in with a user from `kitchen users add`)."""
    # FastAPI and uvicorn take half a second to load; only serving the desk needs them.
    import uvicorn

    from pipeline.desk.app import create_app, server_config

    with plain_errors():
        application = create_app(ctx().newsroom.root)
    # The port is taken here, before the address is printed: a busy port is one line, not a
    # printed address followed by uvicorn's failure.
    try:
        sock = listening_socket(host, port)
    except OSError as exc:
        say(words.cli.ERROR, "red", words.cli.port_busy(port, exc.errno == errno.EADDRINUSE, exc.strerror or str(exc)), err)
        raise typer.Exit(1) from None
    url_host = f"[{host}]" if ":" in host else host
    console.print(words.cli.serving_desk(ctx().newsroom.root, f"http://{url_host}:{port}"))
    uvicorn.Server(server_config(application, host, port, tuple(trusted_proxy or ()))).run(sockets=[sock])


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (host, port), for uvicorn to listen on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock
