"""`imr serve`: the web app under waitress (a production WSGI server, debug off), in one process
or in several worker processes under gunicorn's master (webapp.serving.workers)."""
from __future__ import annotations

import errno
import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

import click

from indexer.cli import INDEX_OPTION, cli, fail, fatal_errors
from indexer.errors import ImrError
from indexer.settings import Settings


def _bind_error(exc: OSError, host: str, port: int) -> str:
    where = f"cannot listen on {host}:{port}"
    if isinstance(exc, socket.gaierror):
        return (f"{where}: unknown host name: give an address of this machine with --host, "
                "e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)")
    if exc.errno == errno.EADDRINUSE:
        return f"{where}: the address is already in use (another imr serve?): choose another --port or stop it"
    if exc.errno == errno.EACCES:
        return f"{where}: permission denied: choose a --port above 1023"
    return (f"{where}: {exc.strerror or exc}: give an address of this machine with --host, "
            "e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)")


def _default_workers() -> int:
    from webapp.serving.server import default_workers

    return default_workers()


def _site_url(value: str | None) -> str | None:
    """IMR_SITE_URL checked: an http(s) address with a host and nothing after its path."""
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        fail(f"IMR_SITE_URL={value!r}: give the site's address, e.g. https://imr.example.org")
    return value.rstrip("/")


@cli.command()
@INDEX_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--workers", default=_default_workers, show_default="the cores this process may use",
              type=click.IntRange(1, 256), help="Worker processes (1: a single process).")
# 2: requests are CPU-bound and a worker holds one GIL; 4 threads answered no more requests
# (docs/performance.md, "Serving"). waitress reads whole requests before a thread takes one.
@click.option("--threads", default=2, show_default=True, type=click.IntRange(1, 64), help="Threads per worker.")
@click.option("--connection-limit", type=click.IntRange(1, 100000), default=None,
              help=f"Open connections at most, per worker (default {Settings.connection_limit}).")
@click.option("--client-connections", type=click.IntRange(0, 100000), default=None,
              help="Connections one client address may hold per worker, 0 for no cap "
                   f"(default {Settings.client_connections}).")
@click.option("--request-timeout", type=click.FloatRange(0.5, 3600), default=None,
              help=f"Seconds a connection has to send a whole request (default {Settings.request_timeout:g}).")
@fatal_errors
def serve(index_dir: Path, host: str, port: int, workers: int, threads: int, connection_limit: int | None,
          client_connections: int | None, request_timeout: float | None) -> None:
    """Serve the search pages and JSON API at http://HOST:PORT/.

    Set IMR_SITE_URL to the site's public address (https://imr.example.org): absolute links
    (exports, feeds, citations) then start with it, never with a request's Host header.
    """
    from indexer.index.stores import snapshots
    from webapp import create_app
    from webapp.serving.server import limit_malloc_arenas, listen, make_server, run_trimming
    from webapp.state import KEY

    settings = Settings().with_(index_dir=index_dir, connection_limit=connection_limit,
                                client_connections=client_connections, request_timeout=request_timeout,
                                site_url=_site_url(os.environ.get("IMR_SITE_URL") or None))
    limit_malloc_arenas()       # before any thread starts (waitress's, the workers')
    app = create_app(settings)
    try:
        sock = listen(host, port)
    except OSError as exc:
        fail(_bind_error(exc, host, port))
    try:
        snapshots.check_schema(snapshots.current(settings), settings)
    except ImrError as exc:
        click.echo(f"warning: {exc}; until then every page answers 503", err=True)
    processes = f"{workers} worker processes" if workers > 1 else "one process"
    click.echo(f"IMR Search on http://{host}:{port}/ (index: {index_dir}), {processes} of {threads} threads; "
               "Ctrl-C stops.")
    if workers > 1:
        from webapp.serving.workers import run_workers

        run_workers(app, sock, workers, threads)
        return
    app.extensions[KEY].settle()      # one process: its snapshot read and its heap frozen before the first request
    server = make_server(app, settings, threads=threads, sockets=[sock])
    try:
        run_trimming(server)
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.close()
        app.extensions[KEY].close()
