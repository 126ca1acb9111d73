# SPDX-License-Identifier: BSD-3-Clause
"""Helpers to test spp-ctl: run the real binary, and play SPP processes.

SppCtl starts build/src/ctl/spp-ctl (or $SPP_CTL) on free ports and talks
REST to it; FakeProcess connects to it like spp_primary or spp_nfv would
(docs/protocol.md: 4-byte big-endian length framing, hello, then one JSON
reply per command) and records the commands it gets.

Usable outside pytest (system tests): nothing here imports pytest.
"""

import json
import os
import select
import socket
import struct
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
SPP_CTL = Path(os.environ.get("SPP_CTL", REPO / "build" / "src" / "ctl" / "spp-ctl"))

OK = {"result": "ok"}


def free_ports(count, host="127.0.0.1"):
    """Ports nobody listens on right now (held together so they differ)."""
    socks = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((host, 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def send_msg(sock, payload):
    """Send one framed message; payload is bytes, str or a JSON value."""
    if not isinstance(payload, (bytes, str)):
        payload = json.dumps(payload)
    if isinstance(payload, str):
        payload = payload.encode()
    sock.sendall(struct.pack(">I", len(payload)) + payload)


def _recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def recv_msg(sock):
    """One framed message as bytes, or None at the end of the stream."""
    hdr = _recv_exact(sock, 4)
    if hdr is None:
        return None
    (n,) = struct.unpack(">I", hdr)
    return _recv_exact(sock, n) if n else b""


def error_of(r, status):
    """The message of an error answer r, checked to be status with a JSON
    body {"error": message}."""
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"] == "application/json"
    body = r.json()
    assert list(body) == ["error"]
    return body["error"]


class SppCtl:
    """The spp-ctl binary on free ports. Stop it with stop()."""

    def __init__(self, args=(), binary=SPP_CTL, host="127.0.0.1", start_timeout=10):
        # no record of the processes unless a test asks for one with
        # --state-dir: fake processes connect with configurations of
        # their own, and no test may see another run's record
        if "--state-dir" not in args and "--no-state" not in args:
            args = ("--no-state",) + tuple(args)
        self.host = host
        self.binary = str(binary)
        self.log = tempfile.NamedTemporaryFile(prefix="spp-ctl-", suffix=".log", delete=False)
        for _ in range(5):
            self.pri_port, self.sec_port, self.api_port = free_ports(3, host)
            self.proc = subprocess.Popen(
                [self.binary, "-b", host, "-p", str(self.pri_port),
                 "-s", str(self.sec_port), "-a", str(self.api_port), *args],
                stdout=self.log, stderr=subprocess.STDOUT)
            if self._wait_ready(start_timeout):
                return
            self.stop()
        raise RuntimeError("spp-ctl did not start:\n" + self.log_text())

    def _wait_ready(self, timeout):
        # spp-ctl logs "listening on" once it holds all three ports; a
        # connect alone could reach another program that took one of them
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False  # a port was taken meanwhile: try others
            if "info: listening on" in self.log_text():
                return True
            time.sleep(0.02)
        return False

    def log_text(self):
        with open(self.log.name, errors="replace") as f:
            return f.read()

    @property
    def base(self):
        return "http://%s:%d" % (self.host, self.api_port)

    def request(self, method, path, body=None, data=None, **kw):
        """A REST call; body is sent as JSON, data as raw bytes."""
        kw.setdefault("timeout", 30)
        if body is not None:
            data = json.dumps(body)
        return requests.request(method, self.base + path, data=data, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def processes(self):
        r = self.get("/v1/processes")
        assert r.status_code == 200, r.text
        return r.json()

    def wait_processes(self, expected, timeout=5):
        """Wait until GET /v1/processes equals expected; return the list."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.processes()
            if got == expected or time.monotonic() > deadline:
                return got
            time.sleep(0.02)

    def process(self, kind, client_id=None, **kw):
        """A FakeProcess connected to this spp-ctl."""
        port = self.pri_port if kind == "primary" else self.sec_port
        return FakeProcess(self.host, port, kind, client_id, **kw)

    def stop(self, sig=None):
        """Stop spp-ctl (SIGTERM, then SIGKILL); return its exit status."""
        if self.proc.poll() is None:
            if sig is None:
                self.proc.terminate()
            else:
                self.proc.send_signal(sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def cleanup(self):
        self.stop()
        self.log.close()
        os.unlink(self.log.name)


class FakeProcess:
    """A fake SPP process.

    replies maps a command text to what to answer: a JSON value (sent as
    is), bytes/str (sent raw), a callable taking the command and returning
    one of those, or NO_REPLY to never answer. Unlisted commands get
    {"result":"ok"}; "exit" is answered and then the connection closed
    (unless close_on_exit is False). closed_by_peer is set when spp-ctl
    closes the connection.
    """

    NO_REPLY = object()

    def __init__(self, host, port, kind, client_id=None, pid=None,
                 master_lcore=0, lcores=None, replies=None, delay=0,
                 hello=None, close_on_exit=True):
        self.kind = kind
        self.client_id = client_id
        self.replies = dict(replies or {})
        self.delay = delay
        self.close_on_exit = close_on_exit
        self.commands = []
        self.overlapped = False  # a command came before the last reply
        self.closed_by_peer = threading.Event()
        if hello is None:
            hello = {"hello": 1, "type": kind, "pid": pid or os.getpid(),
                     "master-lcore": master_lcore,
                     "lcores": lcores if lcores is not None else [master_lcore]}
            if client_id is not None:
                hello["client-id"] = client_id
        self.sock = socket.create_connection((host, port), 5)
        self.sock.settimeout(None)
        send_msg(self.sock, hello)
        answer = recv_msg(self.sock)
        self.hello_reply = json.loads(answer) if answer is not None else None
        self.accepted = self.hello_reply == OK
        self._lock = threading.Lock()
        self._thread = None
        if self.accepted:
            self._thread = threading.Thread(target=self._serve, daemon=True)
            self._thread.start()
        else:
            # spp-ctl closes a refused connection
            self.refused_then_closed = recv_msg(self.sock) is None
            self.sock.close()

    def _answer(self, cmd):
        reply = self.replies.get(cmd, OK)
        if callable(reply) and reply is not FakeProcess.NO_REPLY:
            reply = reply(cmd)
        return reply

    def _wait_delay(self):
        deadline = time.monotonic() + self.delay
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            ready, _, _ = select.select([self.sock], [], [], left)
            if ready:
                self.overlapped = True
                time.sleep(max(0, deadline - time.monotonic()))
                return

    def _serve(self):
        try:
            while True:
                msg = recv_msg(self.sock)
                if msg is None:
                    self.closed_by_peer.set()
                    return
                cmd = msg.decode()
                with self._lock:
                    self.commands.append(cmd)
                reply = self._answer(cmd)
                if reply is FakeProcess.NO_REPLY:
                    continue
                if self.delay:
                    self._wait_delay()
                send_msg(self.sock, reply)
                if cmd == "exit" and self.close_on_exit:
                    self.sock.close()
                    return
        except OSError:
            self.closed_by_peer.set()

    def wait_commands(self, n, timeout=5):
        deadline = time.monotonic() + timeout
        while len(self.commands) < n and time.monotonic() < deadline:
            time.sleep(0.01)
        return list(self.commands)

    def close(self):
        """Go away like a process that exits."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        if self._thread is not None:
            self._thread.join(5)
