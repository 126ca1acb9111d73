# SPDX-License-Identifier: BSD-3-Clause
"""The REST API of spp-ctl with a real primary and spp_nfv behind it: every
endpoint's success path, the error paths (each of which changes nothing),
launch, duplicate client ids, reconnection."""

import os
import time

import pytest
import requests

from sppenv import LOGDIR, wait_for, src_dst


def test_processes_and_cpu(spp_nfv):
    spp = spp_nfv
    assert spp.processes() == [{"type": "primary"},
                               {"type": "nfv", "client-id": 1}]
    usage = spp.ok(spp.get("/cpu_usage"), 200)
    assert {"proc-type": "primary", "master-lcore": 0, "lcores": [0]} in usage
    assert {"proc-type": "nfv", "client-id": 1, "master-lcore": 1,
            "lcores": [1, 2]} in usage
    layout = spp.ok(spp.get("/cpu_layout"), 200)
    lcores = sorted(l for s in layout for c in s["cores"] for l in c["lcores"])
    assert lcores == list(range(os.cpu_count()))
    assert all("socket_id" in s and all("core_id" in c for c in s["cores"])
               for s in layout)


def test_primary_status_shape(spp):
    st = spp.pri_status()
    for key in ("master-lcore", "lcores", "phy_ports", "ring_ports",
                "pipes"):
        assert key in st, key
    # one lcore: no forwarder, and no forwarder object (as the original)
    assert "forwarder" not in st
    assert [r["id"] for r in st["ring_ports"]] == list(range(8))
    assert set(st["ring_ports"][0]) >= {"id", "rx", "rx_drop", "tx",
                                        "tx_drop"}


def test_nfv_endpoints_success(spp_nfv):
    spp = spp_nfv
    spp.ok(spp.put("/nfvs/1/ports", {"action": "add", "port": "ring:0"}), 204)
    spp.ok(spp.put("/nfvs/1/ports", {"action": "add", "port": "ring:1"}), 204)
    spp.ok(spp.put("/nfvs/1/patches", {"src": "ring:0", "dst": "ring:1"}),
           204)
    spp.ok(spp.put("/nfvs/1/forward", {"action": "start"}), 204)
    st = spp.nfv_status(1)
    assert st["client-id"] == 1 and st["status"] == "running"
    assert st["master-lcore"] == 1 and st["lcores"] == [1, 2]
    assert st["ports"] == ["ring:0", "ring:1"]
    assert src_dst(st["patches"]) == [{"src": "ring:0", "dst": "ring:1"}]
    spp.ok(spp.put("/nfvs/1/forward", {"action": "stop"}), 204)
    spp.ok(spp.delete("/nfvs/1/patches"), 204)
    spp.ok(spp.put("/nfvs/1/ports", {"action": "del", "port": "ring:1"}), 204)
    st = spp.nfv_status(1)
    assert st["status"] == "idling" and src_dst(st["patches"]) == []
    assert st["ports"] == ["ring:0"]
    spp.ok(spp.delete("/nfvs/1"), 204)
    wait_for(lambda: not spp.has_process("nfv", 1), what="nfv 1 gone")
    assert spp.get("/nfvs/1").status_code == 404


BAD_NFV_REQUESTS = [
    # (method, path, body or raw string, status, words in the error)
    ("put", "/nfvs/1/ports", "{not json", 400, "JSON"),
    ("put", "/nfvs/1/ports", "[1, 2]", 400, "object"),
    ("put", "/nfvs/1/ports", {"port": "ring:0"}, 400, "action"),
    ("put", "/nfvs/1/ports", {"action": "add"}, 400, "port"),
    ("put", "/nfvs/1/ports", {"action": "add", "port": "ring:0", "x": 1},
     400, "x"),
    ("put", "/nfvs/1/ports", {"action": "plug", "port": "ring:0"}, 400,
     "plug"),
    ("put", "/nfvs/1/ports", {"action": "add", "port": "foo:0"}, 400, "foo"),
    ("put", "/nfvs/1/ports", {"action": "add", "port": "ring:99999"}, 400,
     "ring:99999"),
    ("put", "/nfvs/1/ports", {"action": "add", "port": 3}, 400, "port"),
    ("put", "/nfvs/1/ports", {"action": "add", "port": "ring:100"}, 404,
     "ring:100"),
    ("put", "/nfvs/1/ports", {"action": "del", "port": "ring:5"}, 404,
     "ring:5"),
    ("put", "/nfvs/1/ports", {"action": "add", "port": "ring:0"}, 409,
     "already"),
    ("put", "/nfvs/1/patches", {"src": "ring:0"}, 400, "dst"),
    ("put", "/nfvs/1/patches", {"src": "ring:0", "dst": "ring:7"}, 404,
     "ring:7"),
    ("put", "/nfvs/1/forward", {"action": "go"}, 400, "go"),
    ("put", "/nfvs/1/forward", {}, 400, "action"),
    ("get", "/nfvs/9", None, 404, "9"),
    ("put", "/nfvs/9/forward", {"action": "start"}, 404, "9"),
    ("get", "/nfvs/abc", None, None, ""),
    ("get", "/nope", None, 404, ""),
]


@pytest.mark.parametrize("req", BAD_NFV_REQUESTS,
                         ids=["%s %s %d" % (r[0], r[1], i)
                              for i, r in enumerate(BAD_NFV_REQUESTS)])
def test_nfv_bad_requests_change_nothing(spp_nfv, req):
    spp = spp_nfv
    spp.nfv(1, "add ring:0", "add ring:1", "patch ring:0 ring:1")
    before = spp.nfv_status(1)
    method, path, body, code, words = req
    if isinstance(body, str):
        r = getattr(spp, method)(path, data=body)
    elif body is None:
        r = getattr(spp, method)(path)
    else:
        r = getattr(spp, method)(path, body)
    if code is None:
        assert r.status_code in (400, 404), r.text
    else:
        assert r.status_code == code, r.text
    assert r.status_code != 500
    err = r.json()["error"]
    assert words in err, err
    after = spp.nfv_status(1)
    for k in ("status", "ports", "patches"):
        assert after[k] == before[k]
    assert spp.primary.alive()


def test_primary_endpoints(spp):
    # one lcore: no forwarder; its commands are refused with the reason
    for method, path, body in (
            ("PUT", "/primary/forward", {"action": "start"}),
            ("PUT", "/primary/forward", {"action": "stop"}),
            ("PUT", "/primary/ports", {"action": "add", "port": "ring:3"}),
            ("PUT", "/primary/ports", {"action": "del", "port": "ring:3"}),
            ("PUT", "/primary/patches", {"src": "ring:3", "dst": "ring:4"}),
            ("DELETE", "/primary/patches", None)):
        r = requests.request(method, spp.base + path, json=body,
                             timeout=30)
        assert r.status_code == 400, r.text
        assert "no forwarder" in r.json()["error"]
        assert "two lcores" in r.json()["error"]
    assert "forwarder" not in spp.pri_status()
    # pipes: created over two rings, listed, refused twice, deleted
    spp.ok(spp.put("/primary/ports", {"action": "add", "port": "pipe:0",
                                       "rx": "ring:4", "tx": "ring:5"}), 204)
    assert spp.pri_status()["pipes"] == [{"id": 0, "rx": 4, "tx": 5,
                                          "stats": {"rx": 0, "tx": 0}}]
    r = spp.put("/primary/ports", {"action": "add", "port": "pipe:0",
                                    "rx": "ring:4", "tx": "ring:5"})
    assert r.status_code == 409
    spp.ok(spp.put("/primary/ports", {"action": "del", "port": "pipe:0"}),
           204)
    assert spp.pri_status()["pipes"] == []
    spp.ok(spp.delete("/primary/status"), 204)
    spp.ok(spp.delete("/primary"), 204)
    wait_for(lambda: not spp.primary.alive(), what="primary to exit")
    assert spp.primary.p.returncode == 0
    wait_for(lambda: not spp.has_process("primary"), what="primary gone")
    assert spp.get("/primary/status").status_code == 404


def test_launch(spp):
    body = {"proc_name": "spp_nfv", "client_id": 2,
            "eal": {"--lcores": "1@0,2@1", "--no-pci": ""},
            "app": {"-n": "2", "-s": "127.0.0.1:%d" % spp.sec_port}}
    spp.ok(spp.put("/primary/launch", body), 204)
    wait_for(lambda: spp.has_process("nfv", 2), timeout=30,
             what="launched nfv 2")
    log = os.path.join(LOGDIR, spp.name, "spp_nfv-2.log")
    assert os.path.exists(log)
    spp.nfv(2, "add nullpmd:1")
    assert spp.nfv_status(2)["ports"] == ["nullpmd:1"]
    # the same id again: a conflict
    r = spp.put("/primary/launch", body)
    assert r.status_code == 409, r.text
    spp.ok(spp.delete("/nfvs/2"), 204)
    wait_for(lambda: not spp.has_process("nfv", 2), what="nfv 2 gone")


@pytest.mark.parametrize("drop,missing", [
    ("proc_name", "proc_name"), ("client_id", "client_id"),
    ("eal", "eal"), ("app", "app")])
def test_launch_missing_option(spp, drop, missing):
    body = {"proc_name": "spp_nfv", "client_id": 3,
            "eal": {"-l": "1,2"}, "app": {"-n": "3", "-s": "127.0.0.1:1"}}
    del body[drop]
    r = spp.put("/primary/launch", body)
    assert r.status_code == 400 and missing in r.json()["error"], r.text


def test_launch_missing_app_options(spp):
    body = {"proc_name": "spp_nfv", "client_id": 3, "eal": {"-l": "1,2"},
            "app": {}}
    r = spp.put("/primary/launch", body)
    assert r.status_code == 400
    assert "-n" in r.json()["error"] and "-s" in r.json()["error"]
    time.sleep(0.5)
    assert not spp.has_process("nfv", 3)


def test_duplicate_client_id_refused(spp_nfv):
    spp = spp_nfv
    first = spp.procs[-1]
    dup = spp.start_nfv(1, lcores="3@0,4@1", wait=False)
    wait_for(lambda: "already connected" in dup.output(), timeout=30,
             what="duplicate refused")
    # refused, it does not exit: it says why once and tries again
    time.sleep(2.5)
    assert dup.alive()
    assert dup.output().count("already connected") == 1
    assert spp.processes().count({"type": "nfv", "client-id": 1}) == 1
    assert spp.nfv_status(1)["lcores"] == [1, 2]
    # once the first is gone, the one waiting takes the id
    spp.ok(spp.delete("/nfvs/1"), 204)
    wait_for(lambda: not first.alive(), what="nfv 1 gone")
    wait_for(lambda: spp.has_process("nfv", 1) and
             spp.nfv_status(1)["lcores"] == [3, 4], timeout=10,
             what="the second nfv 1 connected")


def test_processes_reconnect_after_ctl_restart(spp_nfv):
    spp = spp_nfv
    spp.nfv(1, "add ring:2")
    spp.ctl.p.kill()
    spp.ctl.stop()
    spp.procs.remove(spp.ctl)
    spp.ctl = spp.start_ctl()
    wait_for(lambda: spp.has_process("primary") and
             spp.has_process("nfv", 1), timeout=20,
             what="primary and nfv to reconnect")
    # the nfv kept its state across the reconnection
    assert spp.nfv_status(1)["ports"] == ["ring:2"]


def test_killed_process_disappears(spp_nfv):
    spp = spp_nfv
    nfv = [p for p in spp.procs if p.name.endswith("-nfv1")][0]
    nfv.p.kill()
    nfv.p.wait()
    wait_for(lambda: not spp.has_process("nfv", 1), what="killed nfv gone")
    r = spp.get("/nfvs/1")
    assert r.status_code == 404 and "not connected" in r.json()["error"]
    assert spp.has_process("primary")
