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
def serve(index_dir: Path | None, host: str, port: int, threads: int) -> None:
    """Serve the search pages and JSON API at http://HOST:PORT/."""
    from webapp import serve as serve_app

    click.echo(f"IMR Search on http://{host}:{port}/ (index: {index_dir or Settings().index_dir}); Ctrl-C stops.")
    serve_app(Settings().with_(index_dir=index_dir), host=host, port=port, threads=threads)
