"""`kitchen desk`: serve the editors' desk."""

from typing import Annotated

import typer

from pipeline.cli.context import console, ctx, plain_errors

app = typer.Typer()


@app.command()
def desk(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (0.0.0.0 for the office LAN).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.")] = 8700,
    trusted_proxy: Annotated[list[str] | None, typer.Option(
        "--trusted-proxy", help="Address of a reverse proxy whose X-Forwarded-For is believed (repeatable); "
                                "without one, the client's address is the connection's.")] = None,
) -> None:
    """Serve the editors' desk (log in with a user from `kitchen users add`)."""
    # FastAPI and uvicorn take half a second to load; only serving the desk needs them.
    import uvicorn

    from pipeline.desk.app import create_app, server_config

    with plain_errors():
        application = create_app(ctx().newsroom.root)
    console.print(f"the desk of {ctx().newsroom.root} on http://{host}:{port}/ — Ctrl-C stops")
    uvicorn.Server(server_config(application, host, port, tuple(trusted_proxy or ()))).run()
