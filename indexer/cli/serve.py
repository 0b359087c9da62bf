"""`imr serve`: the web app under waitress (a production WSGI server, debug off)."""
from __future__ import annotations

import errno
from pathlib import Path

import click

from indexer.cli import INDEX_OPTION, cli, fail, fatal_errors
from indexer.errors import ImrError
from indexer.settings import Settings


def _bind_error(exc: OSError, host: str, port: int) -> str:
    where = f"cannot listen on {host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return f"{where}: the address is already in use (another imr serve?): choose another --port or stop it"
    if exc.errno == errno.EACCES:
        return f"{where}: permission denied: choose a --port above 1023"
    return (f"{where}: {exc.strerror or exc}: give an address of this machine with --host, "
            "e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)")


@cli.command()
@INDEX_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64), help="Worker threads.")
@click.option("--connection-limit", type=click.IntRange(1, 100000), default=None,
              help=f"Open connections at most (default {Settings.connection_limit}).")
@click.option("--client-connections", type=click.IntRange(0, 100000), default=None,
              help=f"Connections one client address may hold, 0 for no cap (default {Settings.client_connections}).")
@click.option("--request-timeout", type=click.FloatRange(0.5, 3600), default=None,
              help=f"Seconds a connection has to send a whole request (default {Settings.request_timeout:g}).")
@fatal_errors
def serve(index_dir: Path, host: str, port: int, threads: int, connection_limit: int | None,
          client_connections: int | None, request_timeout: float | None) -> None:
    """Serve the search pages and JSON API at http://HOST:PORT/."""
    from indexer.index import snapshots
    from webapp import create_app
    from webapp.serving import make_server

    settings = Settings().with_(index_dir=index_dir, connection_limit=connection_limit,
                                client_connections=client_connections, request_timeout=request_timeout)
    try:
        server = make_server(create_app(settings), settings, host=host, port=port, threads=threads)
    except OSError as exc:
        fail(_bind_error(exc, host, port))
    except ValueError:          # waitress: a host name it cannot resolve
        fail(f"cannot listen on {host}:{port}: unknown host name: give an address of this machine with --host, "
             "e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)")
    try:
        snapshots.check_schema(snapshots.current(settings), settings)
    except ImrError as exc:
        click.echo(f"warning: {exc}; until then every page answers 503", err=True)
    click.echo(f"IMR Search on http://{host}:{port}/ (index: {index_dir}); Ctrl-C stops.")
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.close()
