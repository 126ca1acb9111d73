# SPDX-License-Identifier: BSD-3-Clause
"""The process registry: hello, duplicates, disconnects, cpu_usage/layout."""

import json
import os
import socket
import time

import pytest

from sppfake import recv_msg, send_msg


def test_no_process(ctl):
    r = ctl.get("/v1/processes")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/json"
    assert r.json() == []


def test_processes_listed_primary_first_then_by_id(ctl, procs):
    for kind, cid in (("nfv", 3), ("primary", None), ("vf", 2), ("nfv", 1),
                      ("mirror", 5), ("pcap", 4)):
        assert procs(kind, cid).accepted
    assert ctl.processes() == [
        {"type": "primary"},
        {"type": "nfv", "client-id": 1},
        {"type": "vf", "client-id": 2},
        {"type": "nfv", "client-id": 3},
        {"type": "pcap", "client-id": 4},
        {"type": "mirror", "client-id": 5},
    ]


def test_duplicate_primary_refused_then_accepted(ctl, procs):
    first = procs("primary")
    assert first.accepted
    second = procs("primary")
    assert second.hello_reply == {
        "result": "error", "code": 409,
        "message": "primary is already connected (pid %d)" % os.getpid()}
    assert second.refused_then_closed
    assert ctl.processes() == [{"type": "primary"}]
    first.close()
    assert ctl.wait_processes([]) == []
    third = procs("primary")
    assert third.accepted
    assert ctl.processes() == [{"type": "primary"}]


def test_client_id_unique_across_types(ctl, procs):
    nfv = procs("nfv", 1)
    assert nfv.accepted
    for kind in ("nfv", "vf", "mirror", "pcap"):
        dup = procs(kind, 1)
        assert not dup.accepted
        assert dup.hello_reply["result"] == "error"
        assert dup.hello_reply["code"] == 409
        assert dup.hello_reply["message"] == \
            "nfv 1 is already connected (pid %d)" % os.getpid()
        assert dup.refused_then_closed
    # the first one still works
    r = ctl.get("/v1/nfvs/1")
    assert r.status_code == 204
    assert nfv.commands == ["status"]
    nfv.close()
    assert ctl.wait_processes([]) == []
    vf = procs("vf", 1)
    assert vf.accepted
    assert ctl.processes() == [{"type": "vf", "client-id": 1}]


def test_disconnect_removes_process(ctl, procs):
    p = procs("primary")
    n = procs("nfv", 2)
    assert p.accepted and n.accepted
    n.close()
    t0 = time.monotonic()
    assert ctl.wait_processes([{"type": "primary"}], timeout=2) == \
        [{"type": "primary"}]
    assert time.monotonic() - t0 < 2
    r = ctl.get("/v1/nfvs/2")
    assert r.status_code == 404
    assert r.json() == {"error": "nfv 2 is not connected"}
    p.close()
    assert ctl.wait_processes([], timeout=2) == []


def hello(**over):
    h = {"hello": 1, "type": "nfv", "client-id": 1, "pid": os.getpid(),
         "master-lcore": 1, "lcores": [1]}
    h.update(over)
    return {k: v for k, v in h.items() if v is not None}


@pytest.mark.parametrize("msg,why", [
    (b"not json", "invalid hello"),
    (b"[1]", "invalid hello"),
    (hello(hello=None), "\"hello\": 1"),
    (hello(hello=2), "\"hello\": 1"),
    (hello(type=None), "\"type\""),
    (hello(type="bogus"), "\"type\""),
    (hello(**{"client-id": None}), "client-id"),
    (hello(**{"client-id": 0}), "client-id"),
    (hello(**{"client-id": 1024}), "client-id"),
    (hello(**{"client-id": "1"}), "client-id"),
    (hello(pid=None), "pid"),
    (hello(**{"master-lcore": None}), "master-lcore"),
    (hello(**{"master-lcore": -1}), "master-lcore"),
    (hello(lcores=None), "lcores"),
    (hello(lcores=[1, "2"]), "lcores"),
    (hello(type="primary", **{"client-id": None}),
     "primary must connect to the primary port (-p), not the secondary"),
])
def test_invalid_hello_refused(ctl, msg, why):
    with socket.create_connection(("127.0.0.1", ctl.sec_port), 5) as s:
        send_msg(s, msg)
        reply = json.loads(recv_msg(s))
        assert reply["result"] == "error"
        assert reply["code"] == 400
        assert why in reply["message"]
        assert recv_msg(s) is None  # closed
    assert ctl.processes() == []


def test_secondary_on_primary_port_refused(ctl):
    with socket.create_connection(("127.0.0.1", ctl.pri_port), 5) as s:
        send_msg(s, hello())
        reply = json.loads(recv_msg(s))
        assert reply["code"] == 400
        assert reply["message"] == "nfv must connect to the secondary " \
            "port (-s), not the primary port (-p)"
    assert ctl.processes() == []


def test_hello_in_pieces(ctl):
    """A hello split over many writes is one message."""
    data = json.dumps(hello(type="pcap")).encode()
    framed = len(data).to_bytes(4, "big") + data
    with socket.create_connection(("127.0.0.1", ctl.sec_port), 5) as s:
        for i in range(0, len(framed), 3):
            s.sendall(framed[i:i + 3])
            time.sleep(0.005)
        assert json.loads(recv_msg(s)) == {"result": "ok"}
        assert ctl.processes() == [{"type": "pcap", "client-id": 1}]
    assert ctl.wait_processes([]) == []


def test_silent_connection_closed_after_timeout(ctl_factory):
    ctl = ctl_factory("--cmd-timeout", "0.3")
    with socket.create_connection(("127.0.0.1", ctl.sec_port), 5) as s:
        s.settimeout(5)
        t0 = time.monotonic()
        assert s.recv(1) == b""
        assert time.monotonic() - t0 < 3
    # and it still takes processes
    p = ctl.process("nfv", 1)
    assert p.accepted
    p.close()


def test_exit_removes_process_at_once(ctl, procs):
    n = procs("nfv", 7)
    r = ctl.delete("/v1/nfvs/7")
    assert r.status_code == 204
    assert n.commands == ["exit"]
    assert ctl.processes() == []
    assert procs("nfv", 7).accepted


def test_cpu_usage(ctl, procs):
    assert ctl.get("/v1/cpu_usage").json() == []
    procs("nfv", 2, master_lcore=3, lcores=[3, 4, 5])
    procs("primary", master_lcore=0, lcores=[0, 1])
    r = ctl.get("/v1/cpu_usage")
    assert r.status_code == 200
    assert r.json() == [
        {"proc-type": "primary", "master-lcore": 0, "lcores": [0, 1]},
        {"proc-type": "nfv", "client-id": 2, "master-lcore": 3,
         "lcores": [3, 4, 5]},
    ]
    # key order as in the contract
    assert list(r.json()[1]) == ["proc-type", "client-id", "master-lcore",
                                 "lcores"]


def sys_layout(root):
    cpus = []
    base = os.path.join(root, "devices/system/cpu")
    for name in os.listdir(base):
        if not (name.startswith("cpu") and name[3:].isdigit()):
            continue
        topo = os.path.join(base, name, "topology")
        try:
            with open(os.path.join(topo, "physical_package_id")) as f:
                sock = int(f.read())
            with open(os.path.join(topo, "core_id")) as f:
                core = int(f.read())
        except OSError:
            continue
        cpus.append((sock, core, int(name[3:])))
    layout = []
    for sock, core, lcore in sorted(cpus):
        if not layout or layout[-1]["socket_id"] != sock:
            layout.append({"socket_id": sock, "cores": []})
        cores = layout[-1]["cores"]
        if not cores or cores[-1]["core_id"] != core:
            cores.append({"core_id": core, "lcores": []})
        cores[-1]["lcores"].append(lcore)
    return layout


def test_cpu_layout_of_this_machine(ctl):
    r = ctl.get("/v1/cpu_layout")
    assert r.status_code == 200
    layout = r.json()
    assert layout == sys_layout("/sys")
    assert len(layout) >= 1
    for s in layout:
        assert set(s) == {"socket_id", "cores"}
        for c in s["cores"]:
            assert set(c) == {"core_id", "lcores"}


def test_cpu_layout_groups_hyperthreads(ctl_factory, tmp_path):
    # socket 0: core 0 = lcores 0 and 2, core 1 = lcore 1;
    # socket 1: core 0 = lcores 3 and 10; cpu5 offline (no topology)
    topo = {0: (0, 0), 1: (0, 1), 2: (0, 0), 3: (1, 0), 10: (1, 0)}
    base = tmp_path / "devices/system/cpu"
    for lcore, (sock, core) in topo.items():
        d = base / ("cpu%d" % lcore) / "topology"
        d.mkdir(parents=True)
        (d / "physical_package_id").write_text("%d\n" % sock)
        (d / "core_id").write_text("%d\n" % core)
    (base / "cpu5").mkdir()
    (base / "cpufreq").mkdir()
    (base / "online").write_text("0-3,10\n")
    ctl = ctl_factory("--sysfs", str(tmp_path))
    r = ctl.get("/v1/cpu_layout")
    assert r.status_code == 200
    assert r.json() == [
        {"socket_id": 0, "cores": [{"core_id": 0, "lcores": [0, 2]},
                                   {"core_id": 1, "lcores": [1]}]},
        {"socket_id": 1, "cores": [{"core_id": 0, "lcores": [3, 10]}]},
    ]


def test_cpu_layout_unreadable_is_our_fault(ctl_factory, tmp_path):
    ctl = ctl_factory("--sysfs", str(tmp_path / "missing"))
    r = ctl.get("/v1/cpu_layout")
    assert r.status_code == 500
    assert "cannot read" in r.json()["error"]
