"""`imr serve`: the web app under waitress (a production WSGI server, debug off)."""
from __future__ import annotations

from pathlib import Path

import click

from indexer.cli import cli
from indexer.settings import Settings


@cli.command()
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Index directory (default: ./index).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64), help="Worker threads.")
@click.option("--connection-limit", type=click.IntRange(1, 100000), default=None,
              help=f"Open connections at most (default {Settings.connection_limit}).")
@click.option("--client-connections", type=click.IntRange(0, 100000), default=None,
              help=f"Connections one client address may hold, 0 for no cap (default {Settings.client_connections}).")
@click.option("--request-timeout", type=click.FloatRange(0.5, 3600), default=None,
              help=f"Seconds a connection has to send a whole request (default {Settings.request_timeout:g}).")
def serve(index_dir: Path | None, host: str, port: int, threads: int, connection_limit: int | None,
          client_connections: int | None, request_timeout: float | None) -> None:
    """Serve the search pages and JSON API at http://HOST:PORT/."""
    from webapp import serve as serve_app

    settings = Settings().with_(index_dir=index_dir, connection_limit=connection_limit,
                                client_connections=client_connections, request_timeout=request_timeout)
    click.echo(f"IMR Search on http://{host}:{port}/ (index: {settings.index_dir}); Ctrl-C stops.")
    serve_app(settings, host=host, port=port, threads=threads)
