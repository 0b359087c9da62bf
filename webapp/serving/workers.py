"""Several worker processes on one listening socket: gunicorn's master, a waitress server in each worker.

gunicorn (`preload_app`) creates the app once in the master and forks the workers;
its master restarts a worker that dies or stops answering its heartbeat and stops
them gracefully on SIGTERM/SIGINT. Each worker runs the same waitress server as
`--workers 1` (webapp.serving.server: whole requests buffered before a thread takes them, a
deadline per request, a cap per client address), because gunicorn's own threaded
worker hands a connection to a thread as soon as its first bytes arrive: 30 clients
trickling headers held every thread of it (see docs/operations.md, "Worker processes").

Nothing of a snapshot stays open across the fork: the master reads the current snapshot's
read-only tables (vocabulary, decision words, surface words, field lengths; `preload`) and
closes it again, so no file offset, mapping, SQLite connection or lock is shared between
workers; each worker opens its Searcher on its first request (webapp.state checks the process
id) and keeps those tables when it opens the same snapshot. The snapshot's mapped files are
shared through the page cache. Every worker follows CURRENT on its own. What a worker holds
alone is measured in docs/performance.md, Serving.
"""
from __future__ import annotations

import contextlib
import gc
import logging
import os
import socket
import time

from gunicorn.app.base import BaseApplication
from gunicorn.workers.base import Worker
from waitress.channel import HTTPChannel

from indexer.settings import Settings
from webapp.serving.balance import Ledger, gate
from webapp.serving.server import Trimmer, listeners, make_server, trim_malloc
from webapp.state import KEY

POLL_SECONDS = 0.5       # the worker's loop pass: heartbeat, stop flag, parent check
DRAIN_SECONDS = 30.0     # a stopping worker finishes the requests it has, this long at most
CLOSE_GRACE_SECONDS = 1.0   # a stopping worker reads and answers its keep-alive connections this long
FIN_SECONDS = 1.0        # then waits this long for a client told the end (FIN) to close its side


class WaitressWorker(Worker):
    """A gunicorn worker process serving with waitress (webapp.serving.server) on the shared socket."""

    def run(self) -> None:
        settings: Settings = self.wsgi.extensions[KEY].settings
        # A request queued while this new worker's threads start (or all are busy) is normal
        # under load, not a warning for the terminal (waitress logs each one).
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        server = make_server(self.wsgi, settings, threads=self.cfg.threads,
                             sockets=[s.sock for s in self.sockets])
        ledger: Ledger = self.app.ledger
        slot = ledger.claim(os.getpid())
        if slot is not None:
            gate(server, ledger, slot)
        trimmer = Trimmer(server.task_dispatcher)
        try:
            while self.alive and self.ppid == os.getppid():
                self.notify()
                server.asyncore.loop(timeout=POLL_SECONDS, map=server._map, use_poll=True, count=1)
                trimmer.tick()
            # Out of the table before draining: a stopping worker's falling count must not
            # hold the others back from accepting (a reload drains old workers up to 30 s).
            if slot is not None:
                ledger.release(slot)
                slot = None
            _drain(server)
        finally:
            if slot is not None:
                ledger.release(slot)
            for channel in list(server._map.values()):
                channel.close()
            server.task_dispatcher.shutdown(timeout=5)
            self.wsgi.extensions[KEY].close()


def _drain(server) -> None:
    """Stop accepting, answer every request already sent (each answer closing its connection),
    then close the idle keep-alive connections cleanly; bounded in time.

    Closing a connection whose request bytes are still unread makes the kernel reset it: the
    client loses a request it had sent. So the loop goes on reading for CLOSE_GRACE_SECONDS,
    answering with 'Connection: close'; then each connection left idle is told the end (FIN)
    and read until its client closes it (or FIN_SECONDS pass) before it is closed."""
    for listener in listeners(server):
        listener.imr_stopping = True        # every answer from now on closes its connection
        listener.del_channel()
    started = time.monotonic()
    finished: dict[int, float] = {}         # channel id -> when it was told the end

    def busy(channel) -> bool:
        return bool(channel.requests or channel.total_outbufs_len)

    while time.monotonic() - started < DRAIN_SECONDS:
        channels = [c for c in list(server._map.values()) if isinstance(c, HTTPChannel)]
        now = time.monotonic()
        if not channels:
            return
        if now - started >= CLOSE_GRACE_SECONDS:
            for channel in channels:
                if busy(channel):
                    continue
                if id(channel) not in finished:
                    with contextlib.suppress(OSError):
                        channel.socket.shutdown(socket.SHUT_WR)
                    finished[id(channel)] = now
                elif now - finished[id(channel)] > FIN_SECONDS:
                    channel.handle_close()
        server.asyncore.loop(timeout=0.05, map=server._map, use_poll=True, count=1)


class _Master(BaseApplication):
    """gunicorn's arbiter configured from here (no config file, no command line of its own)."""

    def __init__(self, app, options: dict):
        self.application, self.options = app, options
        # Room for gunicorn's replacements starting while old workers drain.
        self.ledger = Ledger(2 * options["workers"] + 2)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        preload(self.application)
        return self.application


def preload(app) -> None:
    """Make in the master, before the workers are forked, what every worker would otherwise make
    for itself: the current snapshot's read-only tables (webapp.state.AppState.preload) and the
    compiled templates. Then the objects made so far move to a permanent generation the collector
    never visits, so its passes in a worker do not write to (and copy) the master's pages, and the
    memory preloading freed goes back to the system: a free page a worker would fill is the
    worker's alone then, not a copy of one the master keeps too (4 MB at 10k)."""
    app.extensions[KEY].preload()
    for name in app.jinja_env.list_templates():
        if name.endswith(".html"):
            app.jinja_env.get_template(name)
    gc.collect()
    gc.freeze()
    trim_malloc()


def run_workers(app, sock: socket.socket, workers: int, threads: int) -> None:
    """Serve `app` on the listening `sock` with `workers` processes until stopped (SIGTERM, SIGINT).

    gunicorn takes the socket over (and closes it)."""
    _Master(app, {
        "bind": [f"fd://{sock.detach()}"], "workers": workers, "threads": threads,
        "worker_class": WaitressWorker, "preload_app": True, "proc_name": "imr-serve",
        "timeout": 60, "graceful_timeout": int(DRAIN_SECONDS) + 5, "keepalive": 5,
        "loglevel": "warning", "errorlog": "-", "accesslog": None, "control_socket_disable": True,
    }).run()
