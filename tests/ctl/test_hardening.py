# SPDX-License-Identifier: BSD-3-Clause
"""spp-ctl against a hostile local client: its log can't be flooded or
forged, and a NUL in a path can't shorten it into another endpoint."""

import os
import time

from sppfake import send_msg


def test_unsolicited_frames_do_not_flood_the_log(ctl, procs):
    """200,000 frames wrote 16 MB of warnings once: now at most a burst of
    lines per window, and the rest counted."""
    p = procs("nfv", 1)
    for i in range(2000):
        send_msg(p.sock, {"result": "ok", "data": "flood %d" % i})
    time.sleep(0.5)
    r = ctl.get("/v1/nfvs/1")
    assert r.status_code == 204
    lines = [line for line in ctl.log_text().splitlines()
             if "nobody asked" in line]
    assert 1 <= len(lines) <= 10, len(lines)


def test_newline_in_path_cannot_forge_a_log_line(ctl, nfv):
    forged = "spp-ctl: error: forged"
    r = ctl.get("/v1/nfvs/1%0a" + forged.replace(" ", "%20"))
    assert r.status_code == 400
    assert "control characters" in r.json()["error"]
    time.sleep(0.2)
    log = ctl.log_text()
    assert "\\x0aspp-ctl: error: forged" in log
    assert not any(line.startswith(forged) for line in log.splitlines())
    assert nfv.commands == []


def test_nul_in_path_is_refused(ctl, nfv):
    """/v1/nfvs/1%00x was routed as /v1/nfvs/1: a DELETE stopped nfv 1."""
    for method in ("DELETE", "GET"):
        r = ctl.request(method, "/v1/nfvs/1%00x")
        assert r.status_code == 400, r.text
        assert "control characters" in r.json()["error"]
    r = ctl.put("/v1/nfvs/1%00/ports", {"action": "add", "port": "ring:0"})
    assert r.status_code == 400
    assert nfv.commands == []
    assert ctl.processes() == [{"type": "nfv", "client-id": 1}]
    # other escapes are still decoded
    r = ctl.put("/v1/nfvs/%31/ports", {"action": "add", "port": "ring:0"})
    assert r.status_code == 204, r.text
    assert nfv.wait_commands(1) == ["add ring:0"]


def test_silent_connections_do_not_keep_processes_out(ctl):
    """40 connections that never say hello (32 could wait 10 s each and
    kept spp_pcap out for 30 s): a real process is taken at once."""
    import socket
    idle = [socket.create_connection(("127.0.0.1", ctl.sec_port), 5)
            for _ in range(40)]
    try:
        time.sleep(0.3)
        t0 = time.monotonic()
        p = ctl.process("pcap", 4)
        assert p.accepted, p.hello_reply
        assert time.monotonic() - t0 < 2
        assert ctl.processes() == [{"type": "pcap", "client-id": 4}]
        p.close()
    finally:
        for s in idle:
            s.close()


def test_hello_bounded(ctl):
    """A hello may not announce megabytes, nor list a million lcores."""
    import socket
    from sppfake import recv_msg
    s = socket.create_connection(("127.0.0.1", ctl.sec_port), 5)
    s.sendall((16 << 20).to_bytes(4, "big") + b"{" * 1000)
    s.settimeout(5)
    assert recv_msg(s) is None  # closed at once, not buffered
    s.close()
    p = ctl.process("nfv", 1, lcores=list(range(129)))
    assert not p.accepted
    assert "lcores" in p.hello_reply["message"]
    p = ctl.process("nfv", 1, lcores=[1, 2, 1024])
    assert not p.accepted
    assert ctl.processes() == []


def test_slow_requests_are_cut(ctl_factory):
    """260 clients sending a request one byte a second (each byte reset a
    120 s timeout, so 256 of them took the REST API down): while 256 are
    served a newcomer gets 503 at once; a request as a whole gets the
    command timeout and 10 s more, then its connection is closed, and the
    API answers again."""
    import socket
    import threading
    ctl = ctl_factory("--cmd-timeout", "1")
    slow = []
    for _ in range(260):
        try:
            s = socket.create_connection(("127.0.0.1", ctl.api_port), 5)
            s.sendall(b"G")
            slow.append(s)
        except OSError:
            break
    stop = threading.Event()

    def trickle():
        while not stop.is_set():
            for s in list(slow):
                try:
                    s.sendall(b"E")
                except OSError:
                    slow.remove(s)
            stop.wait(1)
    t = threading.Thread(target=trickle)
    t.start()
    try:
        # full: a new client is answered 503 at once, not dropped
        time.sleep(0.5)
        t0 = time.monotonic()
        r = ctl.get("/v1/processes", timeout=5)
        assert r.status_code == 503, r.text
        assert r.headers["Retry-After"] == "1"
        assert "too many connections" in r.json()["error"]
        assert time.monotonic() - t0 < 2
        deadline = time.monotonic() + 20
        r = None
        while time.monotonic() < deadline:
            try:
                r = ctl.get("/v1/processes", timeout=2)
                if r.status_code == 200:
                    break
                assert r.status_code == 503, r.text
            except Exception:
                pass
            time.sleep(0.5)
        took = 20 - (deadline - time.monotonic())
        assert r is not None and r.status_code == 200
        # the slow ones were cut after about 11 s, not served for ever
        assert took < 16, took
        stop.set()
        t.join()
        still_open = 0
        for s in slow:
            s.settimeout(0.05)
            try:
                if s.recv(1024) != b"":
                    still_open += 1
            except socket.timeout:
                still_open += 1
            except OSError:
                pass
        # those accepted from the listen queue as others were cut have
        # their own deadline, later
        assert len(slow) - still_open >= len(slow) // 2, still_open
    finally:
        stop.set()
        t.join()
        for s in slow:
            s.close()


ROGUE = r"""
import json, os, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
pid = int(sys.argv[2]) if len(sys.argv) > 2 else os.getpid()
hello = json.dumps({"hello": 1, "type": "nfv", "client-id": 1, "pid": pid,
                    "master-lcore": 1, "lcores": [1]}).encode()
s.sendall(len(hello).to_bytes(4, "big") + hello)
n = int.from_bytes(s.recv(4), "big")
data = b""
while len(data) < n:
    data += s.recv(n - len(data))
print(data.decode())
"""


def rogue(ctl, *args, user=None):
    import json
    import subprocess
    import sys

    def drop():
        os.setgid(65534)
        os.setuid(65534)
    r = subprocess.run([sys.executable, "-c", ROGUE, str(ctl.sec_port)] +
                       [str(a) for a in args], capture_output=True,
                       text=True, timeout=10,
                       preexec_fn=drop if user == "nobody" else None)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_other_users_cannot_register(ctl):
    """A local user other than spp-ctl's (and root's) cannot say hello as
    an SPP process, even with its own pid."""
    ans = rogue(ctl, user="nobody")
    assert ans["result"] == "error" and ans["code"] == 403
    assert "uid 65534" in ans["message"]
    assert ctl.processes() == []
    # the real one is taken
    p = ctl.process("nfv", 1)
    assert p.accepted, p.hello_reply


def test_no_process_passes_for_another(ctl, nfv):
    """A hello with a pid that is not the connection's is refused: a rogue
    cannot claim the real process's pid."""
    ans = rogue(ctl, 1)
    assert ans["code"] == 403 and "not pid 1's" in ans["message"]
    ans = rogue(ctl, os.getpid())  # the pid of the test, not the rogue's
    assert ans["code"] == 403
    assert ctl.processes() == [{"type": "nfv", "client-id": 1}]
    log = ctl.log_text()
    assert "refused nfv 1 (says pid 1)" in log


def make_cert(d):
    """A self-signed certificate for 127.0.0.1, made for the test."""
    import subprocess
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                    "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


def spp_cli(ctl, *args):
    import subprocess
    from sppfake import REPO
    spp = os.path.join(REPO, "build", "src", "cli", "spp")
    return subprocess.run([spp, "-b", "127.0.0.1:%d" % ctl.api_port] +
                          list(args), capture_output=True, text=True,
                          timeout=30, stdin=subprocess.DEVNULL)


def test_tls_and_token(ctl_factory, tmp_path):
    """HTTPS with a real certificate and a token: the REST API answers
    only to requests that carry the token, and the CLI reaches it with
    --cacert and --token-file."""
    import requests
    cert, key = make_cert(str(tmp_path))
    tok = tmp_path / "token"
    tok.write_text("s3cr3t-token\n")
    ctl = ctl_factory("--tls-cert", cert, "--tls-key", key, "--token-file",
                      str(tok))
    assert "(HTTPS, token required)" in ctl.log_text()
    primary = ctl.process("primary", replies={
        "status": {"result": "ok", "data": {"master-lcore": 0,
                                            "lcores": [0]}}})
    url = "https://127.0.0.1:%d/v1/processes" % ctl.api_port
    good = {"Authorization": "Bearer s3cr3t-token"}
    r = requests.get(url, headers=good, verify=cert, timeout=10)
    assert r.status_code == 200 and r.json() == [{"type": "primary"}]
    for hdrs in ({}, {"Authorization": "Bearer wrong"},
                 {"Authorization": "Bearer s3cr3t-tokenX"},
                 {"Authorization": "s3cr3t-token"}):
        r = requests.get(url, headers=hdrs, verify=cert, timeout=10)
        assert r.status_code == 401, hdrs
        assert r.headers["WWW-Authenticate"] == "Bearer"
        assert "token" in r.json()["error"]
    r = requests.delete("https://127.0.0.1:%d/v1/primary" % ctl.api_port,
                        verify=cert, timeout=10)
    assert r.status_code == 401 and primary.commands == []
    # plain HTTP is not served
    try:
        r = requests.get(url.replace("https", "http"), headers=good,
                         timeout=5)
        assert r.status_code != 200
    except requests.exceptions.ConnectionError:
        pass
    # a client that does not trust the certificate does not talk to it
    try:
        requests.get(url, headers=good, timeout=5)
        assert False, "an unknown certificate was accepted"
    except requests.exceptions.SSLError:
        pass
    # the CLI
    r = spp_cli(ctl, "--cacert", cert, "--token-file", str(tok),
                "-c", "pri; status")
    assert r.returncode == 0, r.stdout + r.stderr
    assert primary.wait_commands(1) == ["status"]
    r = spp_cli(ctl, "--cacert", cert, "-c", "pri; status")
    assert r.returncode != 0 and "token" in r.stderr, r.stderr
    r = spp_cli(ctl, "--token-file", str(tok), "-c", "pri; status")
    assert r.returncode != 0, r.stdout
    assert primary.commands == ["status"]


def test_token_without_tls(ctl_factory, tmp_path):
    import requests
    tok = tmp_path / "token"
    tok.write_text("abc\n")
    ctl = ctl_factory("--token-file", str(tok))
    r = requests.get(ctl.base + "/v1/processes", timeout=5)
    assert r.status_code == 401
    r = requests.get(ctl.base + "/v1/processes", timeout=5,
                     headers={"Authorization": "Bearer abc"})
    assert r.status_code == 200


def test_bad_auth_options(tmp_path):
    import subprocess
    from sppfake import SPP_CTL
    empty = tmp_path / "empty"
    empty.write_text("\n")
    for args, why in ((["--tls-cert", "/nonexistent"], "go together"),
                      (["--tls-cert", "/nonexistent", "--tls-key", "/x"],
                       "cannot read /nonexistent"),
                      (["--token-file", str(empty)], "the token")):
        r = subprocess.run([str(SPP_CTL), "--no-state"] + args,
                           capture_output=True,
                           text=True, timeout=10)
        assert r.returncode == 2 and why in r.stderr, r.stderr
