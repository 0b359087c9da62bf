"""The production server: waitress, with limits that keep slow or greedy clients from locking others out.

waitress alone closes a connection only after `channel_timeout` seconds with no
activity at all and stops accepting at `connection_limit`, so 150 clients sending
one header line every 3 s held every slot. Here each connection must send a whole
request within `Settings.request_timeout` seconds (of connecting, or of its previous
answer), one client address may hold at most `Settings.client_connections`
connections (more are closed at once), and waitress polls (no select() limit of
1,024 sockets) up to `Settings.connection_limit` connections.

With several workers (webapp.serving.workers) each worker process runs one such server on the
listening socket they share, so these limits hold per worker process.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import socket
import threading
import time
from contextlib import contextmanager
from typing import Iterator

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import WSGITask

from indexer.settings import Settings


class ClosingTask(WSGITask):
    """A request's answer, which closes its connection once the server is stopping (a graceful
    restart drains its keep-alive connections: each client is told, none is cut off)."""

    def build_response_header(self):
        if getattr(self.channel.server, "imr_stopping", False):
            self.request.headers["CONNECTION"] = "close"     # answered as if the client had asked
        return super().build_response_header()


class GuardedChannel(HTTPChannel):
    """A waitress connection with a deadline for each request and a cap per client address."""

    task_class = ClosingTask

    def __init__(self, server, sock, addr, adj, map=None):
        super().__init__(server, sock, addr, adj, map=map)
        self.client = addr[0] if isinstance(addr, tuple) else addr
        self.waiting_since: float | None = time.monotonic()
        limit = server.imr_settings.client_connections
        same = sum(getattr(ch, "client", None) == self.client for ch in list(server.active_channels.values()))
        if limit and same > limit:
            self.will_close = True        # closed on the next loop pass, nothing read

    def readable(self) -> bool:
        # Called on every pass of waitress's loop (at least once a second).
        if self.requests or self.total_outbufs_len:
            self.waiting_since = None     # the app is answering: not the client's time
        elif self.waiting_since is None:
            self.waiting_since = time.monotonic()
        elif time.monotonic() - self.waiting_since > self.server.imr_settings.request_timeout:
            self.will_close = True        # a request trickling in (or an idle keep-alive): closed
            return False
        return super().readable()


M_ARENA_MAX = -8        # glibc's mallopt parameter number (malloc.h)


def _libc(name: str):
    """glibc's function `name`, or None where the C library is not glibc."""
    try:
        return getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), name)
    except (OSError, AttributeError):
        return None


def limit_malloc_arenas(arenas: int = 1) -> bool:
    """Have glibc's malloc serve every thread of this process (and of the workers it forks) from
    `arenas` arenas; False where that cannot be set (not glibc).

    By default each waitress thread gets an arena of its own, and memory a request freed stays
    in that thread's arena: ~20 MB a process after a few hundred requests of the load mix
    (docs/performance.md, Serving). Python allocates holding the GIL, so threads seldom wait for
    the shared arena's lock."""
    mallopt = _libc("mallopt")
    return mallopt is not None and bool(mallopt(M_ARENA_MAX, arenas))


def trim_malloc() -> bool:
    """Hand every free page of glibc's malloc heap back to the system (`malloc_trim(0)`); False
    where the C library is not glibc."""
    trim = _libc("malloc_trim")
    if trim is None:
        return False
    trim(0)
    return True


class Trimmer:
    """Hands the memory a process's requests freed back to the system while its server is idle.

    glibc keeps freed memory for reuse, and the texts, pages and arrays of a few hundred
    requests leave ~20-30 MB of it spread through the heap: private to each worker process
    however much of the rest it shares with the others. `malloc_trim` releases every free page
    (a few ms); it runs only when no request is being answered, at most every `every` seconds,
    so a busy server pays nothing and an idle one holds what it uses."""

    def __init__(self, dispatcher, every: float = 1.0):
        self.dispatcher, self.every = dispatcher, every
        self.last = time.monotonic()
        self._trim = _libc("malloc_trim")      # None where not glibc: nothing to do

    def idle(self) -> bool:
        """True when the server's threads have no request running or queued."""
        return not self.dispatcher.active_count and not self.dispatcher.queue

    def tick(self) -> None:
        """Called on every loop pass of the server: trims when idle and due."""
        if self._trim is not None and time.monotonic() - self.last >= self.every and self.idle():
            self._trim(0)
            self.last = time.monotonic()


def run_trimming(server, poll: float = 0.5) -> None:
    """Run a waitress server as its run() does (until SystemExit or KeyboardInterrupt), trimming
    its process's free memory while idle (Trimmer)."""
    trimmer = Trimmer(server.task_dispatcher)
    where = getattr(server, "_map", None)
    where = server.map if where is None else where
    try:
        while True:
            server.asyncore.loop(timeout=poll, map=where, use_poll=True, count=1)
            trimmer.tick()
    except (SystemExit, KeyboardInterrupt):
        server.task_dispatcher.shutdown()


def default_workers() -> int:
    """Worker processes by default: the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:            # not Linux
        return os.cpu_count() or 1


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (OSError, socket.gaierror when it cannot be had)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    return sock


def make_server(app, settings: Settings, host: str = "127.0.0.1", port: int = 5000, threads: int = 4,
                sockets: list[socket.socket] | None = None):
    """A waitress server for `app` with the limits above (not yet running: call .run()), on host:port
    or on already listening `sockets`."""
    where = {"sockets": sockets} if sockets else {"host": host, "port": port}
    server = create_server(app, threads=threads, ident="imr-search",
                           connection_limit=settings.connection_limit, asyncore_use_poll=True,
                           channel_timeout=max(1, int(settings.request_timeout)) * 6, **where)
    for listener in listeners(server):
        listener.channel_class = GuardedChannel
        listener.imr_settings = settings
    return server


def listeners(server) -> list[BaseWSGIServer]:
    """The listening sockets' dispatchers of a waitress server."""
    return [server] if isinstance(server, BaseWSGIServer) else \
        [s for s in server.map.values() if isinstance(s, BaseWSGIServer)]


@contextmanager
def serving_in_thread(app, threads: int = 2) -> Iterator[str]:
    """Serve `app` with plain waitress on a free loopback port in a thread; yields the base URL.

    For browsers driven from this process (the browser tests, scripts/screenshots.py)."""
    server = create_server(app, host="127.0.0.1", port=0, threads=threads)
    stop = threading.Event()

    def loop() -> None:
        # Stopped between polls, then closed: closing under a running select() fails it (EBADF).
        while not stop.is_set():
            server.asyncore.loop(timeout=0.1, map=server._map, count=1)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stop.set()
        thread.join(timeout=10)
        server.close()
        server.task_dispatcher.shutdown()
