"""Serving faults, third round (issue 28, finding 5): a worker stopped (SIGSTOP) or stuck keeps its
slot in the connection table, but the live workers stop waiting for it once it stops writing."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

from webapp.serving.balance import STALE_SECONDS, Ledger


def test_a_stopped_worker_holds_no_one_back_once_its_slot_is_stale():
    now = [1000.0]
    ledger = Ledger(2, clock=lambda: now[0])
    stopped = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        os.kill(stopped.pid, signal.SIGSTOP)      # alive (kill 0 answers) but never runs
        mine, theirs = ledger.claim(os.getpid()), ledger.claim(stopped.pid)
        ledger.publish(theirs, 0)
        ledger.publish(mine, 1)
        assert not ledger.least(mine)             # a live, fresh worker with fewer: it goes first
        now[0] += STALE_SECONDS / 2
        ledger.publish(mine, 1)
        assert not ledger.least(mine)
        now[0] += STALE_SECONDS                   # it has not written since: stale
        ledger.publish(mine, 4)
        assert ledger.least(mine)
        ledger.publish(theirs, 0)                 # it runs again: held back for again
        assert not ledger.least(mine)
    finally:
        stopped.kill()
        stopped.wait()


def _hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
    return [b"hello"]


REQUEST = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"


def _pump(server, until, passes: int = 400) -> None:
    """Run the server's loop one pass at a time until `until()` (this test's thread plays both ends)."""
    for _ in range(passes):
        if until():
            return
        server.asyncore.loop(timeout=0.02, map=server._map, use_poll=True, count=1)
    raise AssertionError("the server never got there")


def _answered(client) -> bool:
    import select

    return bool(select.select([client], [], [], 0)[0])


def test_a_stopping_worker_answers_requests_already_sent_and_closes_idle_connections_cleanly():
    """SIGHUP/SIGTERM drain: a request sent on a keep-alive connection just before the worker
    stops is answered (it was reset: the socket closed with its bytes unread), with
    'Connection: close'; an idle keep-alive connection is ended cleanly (FIN, not RST)."""
    import socket

    from indexer.settings import Settings
    from webapp.serving.server import make_server
    from webapp.serving.workers import _drain

    server = make_server(_hello, Settings(), host="127.0.0.1", port=0, threads=1)
    port = server.effective_port
    busy, idle = socket.create_connection(("127.0.0.1", port)), socket.create_connection(("127.0.0.1", port))
    try:
        busy.settimeout(10)
        idle.settimeout(10)
        busy.sendall(REQUEST)
        _pump(server, lambda: _answered(busy))
        first = busy.recv(65536)
        assert first.startswith(b"HTTP/1.1 200") and first.endswith(b"hello")
        busy.sendall(REQUEST)                    # already sent when the worker is told to stop
        _drain(server)
        for channel in list(server._map.values()):    # what the worker does after draining
            channel.close()
        second = busy.recv(65536)
        assert second.startswith(b"HTTP/1.1 200") and second.endswith(b"hello")
        assert b"Connection: close" in second
        assert busy.recv(65536) == b"" and idle.recv(65536) == b""    # ended, not reset
    finally:
        busy.close()
        idle.close()
        server.close()
        server.task_dispatcher.shutdown()
