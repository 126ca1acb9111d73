# SPDX-License-Identifier: BSD-3-Clause
"""Concurrency, big replies, hung and vanishing processes, signals, CLI."""

import json
import os
import signal
import socket
import subprocess
import threading
import time

import pytest

from sppfake import SPP_CTL, FakeProcess, free_ports, recv_msg, send_msg


def run_parallel(calls):
    """Run the callables at once; return their results in order."""
    results = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i):
        start.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_commands_to_one_process_never_interleave(ctl, procs):
    delay = 0.2
    p = procs("nfv", 1, delay=delay)
    n = 6
    calls = [lambda i=i: ctl.put("/v1/nfvs/1/ports",
                                 {"action": "add", "port": "ring:%d" % i})
             for i in range(n)]
    t0 = time.monotonic()
    results = run_parallel(calls)
    elapsed = time.monotonic() - t0
    assert [r.status_code for r in results] == [204] * n
    # each command was sent only after the previous reply
    assert not p.overlapped
    assert sorted(p.commands) == sorted("add ring:%d" % i for i in range(n))
    assert elapsed >= n * delay * 0.95


def test_fake_detects_interleaving():
    """The check above is real: the fake notices a command sent early."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    result = {}

    def ctl_side():
        conn, _ = srv.accept()
        recv_msg(conn)  # hello
        send_msg(conn, {"result": "ok"})
        send_msg(conn, "status")
        send_msg(conn, "status")  # without waiting for the reply
        result["replies"] = [recv_msg(conn), recv_msg(conn)]
        conn.close()

    t = threading.Thread(target=ctl_side)
    t.start()
    p = FakeProcess("127.0.0.1", srv.getsockname()[1], "nfv", 1, delay=0.2)
    t.join(5)
    p.close()
    srv.close()
    assert p.overlapped


def test_other_processes_not_blocked_by_a_slow_one(ctl, procs):
    procs("nfv", 1, delay=1.0)
    fast = procs("nfv", 2)
    slow_call = threading.Thread(target=ctl.get, args=("/v1/nfvs/1",))
    slow_call.start()
    time.sleep(0.2)
    t0 = time.monotonic()
    assert ctl.get("/v1/nfvs/2").status_code == 204
    assert ctl.get("/v1/processes").status_code == 200
    assert time.monotonic() - t0 < 0.7  # the slow one takes 1 s
    slow_call.join(10)
    assert fast.commands == ["status"]


@pytest.mark.parametrize("size", [70 * 1024, 3 << 20])
def test_large_reply_arrives_whole(ctl, procs, size):
    data = {"client-id": 1, "blob": "x" * size,
            "ports": ["ring:%d" % i for i in range(1000)]}
    procs("nfv", 1, replies={"status": {"result": "ok", "data": data}})
    r = ctl.get("/v1/nfvs/1")
    assert r.status_code == 200
    assert len(r.content) > size
    assert r.json() == data


def test_process_that_never_answers(ctl_factory):
    ctl = ctl_factory("--cmd-timeout", "0.5")
    p = ctl.process("nfv", 1, replies={"status": FakeProcess.NO_REPLY})
    t0 = time.monotonic()
    r = ctl.get("/v1/nfvs/1")
    elapsed = time.monotonic() - t0
    assert r.status_code == 500
    assert "process did not answer" in r.json()["error"]
    assert "nfv 1" in r.json()["error"]
    assert 0.4 <= elapsed < 3
    # the connection is dropped, and the process forgotten
    assert p.closed_by_peer.wait(5)
    assert ctl.processes() == []
    p.close()
    # it may come back
    again = ctl.process("nfv", 1)
    assert again.accepted
    assert ctl.get("/v1/nfvs/1").status_code == 204
    again.close()


def test_waiting_call_after_timeout_gets_404(ctl_factory):
    """A call queued behind a hung command learns the process is gone."""
    ctl = ctl_factory("--cmd-timeout", "0.5")
    p = ctl.process("nfv", 1, replies={"status": FakeProcess.NO_REPLY})
    results = run_parallel([lambda: ctl.get("/v1/nfvs/1"),
                            lambda: ctl.get("/v1/nfvs/1")])
    codes = sorted(r.status_code for r in results)
    # either both timed out one after the other, or the second found the
    # process gone; never a command on a dropped connection
    assert codes in ([404, 500], [500, 500])
    if codes == [404, 500]:
        assert [r.json()["error"] for r in results
                if r.status_code == 404] == ["nfv 1 is not connected"]
    p.close()


def test_process_closing_mid_command(ctl, procs):
    p = procs("nfv", 1, replies={"status": FakeProcess.NO_REPLY})
    t = threading.Timer(0.3, p.close)
    t.start()
    r = ctl.get("/v1/nfvs/1")
    t.join()
    assert r.status_code == 500
    assert r.json() == {
        "error": "nfv 1 closed the connection without answering"}
    assert ctl.wait_processes([]) == []


def test_unsolicited_message_is_ignored(ctl, procs):
    p = procs("nfv", 1)
    send_msg(p.sock, {"result": "ok", "data": "nobody asked"})
    time.sleep(0.2)
    r = ctl.get("/v1/nfvs/1")
    assert r.status_code == 204
    assert ctl.processes() == [{"type": "nfv", "client-id": 1}]
    assert "nobody asked" in ctl.log_text()


def test_message_sent_with_hello_is_not_a_reply(ctl):
    """A message sent before the hello answer is not taken as the reply to
    the next command."""
    def frame(obj):
        data = json.dumps(obj).encode()
        return len(data).to_bytes(4, "big") + data

    hello = {"hello": 1, "type": "nfv", "client-id": 1, "pid": os.getpid(),
             "master-lcore": 1, "lcores": [1]}
    with socket.create_connection(("127.0.0.1", ctl.sec_port), 5) as s:
        s.sendall(frame(hello) + frame({"result": "ok", "data": "stale"}))
        assert json.loads(recv_msg(s)) == {"result": "ok"}
        got = []

        def serve():
            got.append(recv_msg(s))
            send_msg(s, {"result": "ok", "data": "fresh"})

        t = threading.Thread(target=serve)
        t.start()
        r = ctl.get("/v1/nfvs/1")
        t.join(5)
        assert got == [b"status"]
        assert r.status_code == 200
        assert r.json() == "fresh"


def test_oversized_frame_drops_process(ctl, procs):
    """An idle process's data is read before the next command (spp-ctl's
    watcher waits only for hang-ups, so a reply never wakes it): an
    oversized frame fails that command and drops the process."""
    p = procs("nfv", 1)
    p.sock.sendall((64 << 20).to_bytes(4, "big"))
    r = ctl.get("/v1/nfvs/1")
    assert r.status_code == 500, r.text
    assert p.closed_by_peer.wait(5)
    assert ctl.wait_processes([]) == []


def test_many_connections_and_disconnects(ctl):
    for round_ in range(3):
        ps = [ctl.process("nfv", i) for i in range(1, 41)]
        assert all(p.accepted for p in ps)
        assert len(ctl.processes()) == 40
        for p in ps:
            p.close()
        assert ctl.wait_processes([]) == []


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_exits_cleanly(ctl, procs, sig):
    p = procs("nfv", 1)
    assert ctl.get("/v1/nfvs/1").status_code == 204
    t0 = time.monotonic()
    assert ctl.stop(sig) == 0
    assert time.monotonic() - t0 < 5
    assert p.closed_by_peer.wait(5)


def test_signal_during_hung_command(ctl, procs):
    procs("nfv", 1, replies={"status": FakeProcess.NO_REPLY})
    call = threading.Thread(target=_quiet_get, args=(ctl, "/v1/nfvs/1"))
    call.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    assert ctl.stop(signal.SIGTERM) == 0
    assert time.monotonic() - t0 < 4
    call.join(10)


def _quiet_get(ctl, path):
    try:
        ctl.get(path)
    except Exception:
        pass


def run_ctl(*args):
    # --no-state: no test may make or read the default /var/lib/spp
    return subprocess.run([str(SPP_CTL), "--no-state", *args],
                          capture_output=True, text=True, timeout=10)


def test_help():
    r = run_ctl("-h")
    assert r.returncode == 0
    assert r.stdout.startswith("Usage: ")
    for opt in ("-b", "-p", "-s", "-a", "--cmd-timeout"):
        assert opt in r.stdout


@pytest.mark.parametrize("args,msg", [
    (["-p", "x"], "invalid port 'x' for -p"),
    (["-a", "0"], "invalid port '0' for -a"),
    (["-s", "65536"], "invalid port '65536' for -s"),
    (["--cmd-timeout", "0"], "invalid --cmd-timeout '0'"),
    (["--cmd-timeout", "abc"], "invalid --cmd-timeout 'abc'"),
    (["-p", "7000", "-s", "7000"], "must be different ports"),
    (["extra"], "unexpected argument 'extra'"),
    (["--bogus"], "Usage: "),
])
def test_bad_options(args, msg):
    r = run_ctl(*args)
    assert r.returncode == 2
    assert msg in r.stderr


def test_port_in_use():
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    pri, sec = free_ports(2)
    try:
        r = run_ctl("-p", str(pri), "-s", str(sec), "-a", str(port))
    finally:
        busy.close()
    assert r.returncode == 1
    assert "cannot listen on 127.0.0.1 port %d: Address already in use" \
        % port in r.stderr
