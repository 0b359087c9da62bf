"""Slow clients: connections trickling a request in are closed after the request timeout and one
client address holds a bounded number, so other users are still answered (loopback only,
bounded in connections, requests and time)."""
from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

SLOW = 30            # trickling connections from one address, more than the whole connection limit


@pytest.fixture
def server(tmp_path, expected_records, publish):
    """(port, settings) of the production server on 127.0.0.1 with small limits, run by this test."""
    from indexer.settings import Settings
    from webapp import create_app
    from webapp.serving.server import make_server

    settings = Settings(index_dir=tmp_path / "index", jobs=1, connection_limit=20,
                        client_connections=5, request_timeout=2)
    publish(settings, expected_records()[:3])
    srv = make_server(create_app(settings), settings, host="127.0.0.1", port=0, threads=2)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            srv.asyncore.loop(timeout=0.1, map=srv._map, use_poll=True, count=1)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield int(srv.effective_port), settings
    stop.set()
    thread.join(5)
    for channel in list(srv._map.values()):
        channel.close()
    srv.task_dispatcher.shutdown()


def slow_client(port: int) -> socket.socket:
    """A connection from another loopback address that starts a request and never finishes it."""
    sock = socket.socket()
    sock.settimeout(5)
    sock.bind(("127.0.0.2", 0))
    sock.connect(("127.0.0.1", port))
    sock.sendall(b"GET /?q=pain HTTP/1.1\r\nHost: x\r\n")
    return sock


def closed(sock: socket.socket) -> bool:
    """True when the server has closed this connection (bounded wait)."""
    try:
        sock.settimeout(0.05)
        return sock.recv(1) == b""
    except socket.timeout:
        return False
    except OSError:
        return True


@pytest.fixture
def workers(tmp_path, expected_records, publish):
    """(port, settings) of `imr serve --workers 2` with the same small limits (each worker applies them)."""
    from indexer.settings import Settings

    settings = Settings(index_dir=tmp_path / "index", jobs=1, connection_limit=20,
                        client_connections=5, request_timeout=2)
    publish(settings, expected_records()[:3])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([str(Path(sys.executable).parent / "imr"), "serve", "--index", str(settings.index_dir),
                             "--port", str(port), "--workers", "2", "--threads", "2", "--connection-limit", "20",
                             "--client-connections", "5", "--request-timeout", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/search?q=pain")
            if conn.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.1)
        finally:
            conn.close()
    yield port, settings
    proc.terminate()
    proc.wait(timeout=60)


@pytest.mark.workers
def test_slow_clients_do_not_lock_others_out(server):
    check_slow_clients(*server, processes=1)


@pytest.mark.workers
def test_slow_clients_do_not_lock_others_out_of_worker_processes(workers):
    check_slow_clients(*workers, processes=2)


def check_slow_clients(port: int, settings, processes: int) -> None:
    """30 connections trickle a request in from 127.0.0.2 while 127.0.0.1 asks 10 times."""
    slow = [slow_client(port) for _ in range(SLOW)]
    try:
        started = time.monotonic()
        for sock in slow:             # keep trickling: one header line each, several times
            try:
                sock.sendall(b"X-Slow: 1\r\n")
            except OSError:           # the server may already have closed those over the cap
                pass
        answered = 0
        for _ in range(10):           # another user, from 127.0.0.1, is answered meanwhile
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/search?q=pain")
            answered += conn.getresponse().status == 200
            conn.close()
        assert answered == 10
        time.sleep(0.5)
        open_now = [s for s in slow if not closed(s)]
        # the rest were closed at once (each worker process caps the connections it accepted)
        assert len(open_now) <= settings.client_connections * processes
        deadline = started + settings.request_timeout + 4
        while open_now and time.monotonic() < deadline:        # and these at the request timeout
            for sock in open_now:
                try:
                    sock.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    pass
            time.sleep(0.5)
            open_now = [s for s in open_now if not closed(s)]
        assert not open_now, f"{len(open_now)} trickling connections still open"
    finally:
        for sock in slow:
            sock.close()
