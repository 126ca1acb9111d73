# SPDX-License-Identifier: BSD-3-Clause
"""Success paths: each endpoint sends exactly the right command, and the
process's reply becomes the right REST answer."""

import pytest

PRIMARY_STATUS = {
    "master-lcore": 0, "lcores": [0, 1],
    "forwarder": {"status": "idling", "ports": ["phy:0"], "patches": []},
    "phy_ports": [{"id": 0, "eth": "3c:fd:fe:b6:c4:28", "rx": 0, "tx": 0,
                   "tx_drop": 0, "nof_queues": {"rx": 1, "tx": 1},
                   "flow": []}],
    "ring_ports": [{"id": 0, "rx": 0, "rx_drop": 0, "tx": 0, "tx_drop": 0}],
    "pipes": [],
}
NFV_STATUS = {"client-id": 1, "status": "running", "master-lcore": 1,
              "lcores": [1, 2], "ports": ["phy:0", "ring:0"],
              "patches": [{"src": "phy:0", "dst": "ring:0"}]}


@pytest.fixture(params=["primary", "nfv"])
def target(request, ctl, procs):
    """(base path, fake process) for the primary and for nfv 1."""
    if request.param == "primary":
        p = procs("primary", replies={
            "status": {"result": "ok", "data": PRIMARY_STATUS}})
        return "/v1/primary", p
    p = procs("nfv", 1, replies={
        "status": {"result": "ok", "data": NFV_STATUS}})
    return "/v1/nfvs/1", p


def check(r, p, status, commands, body=None):
    assert r.status_code == status, r.text
    assert p.wait_commands(len(commands)) == commands
    if status == 204:
        assert r.content == b""
    else:
        assert r.headers["Content-Type"] == "application/json"
        assert r.json() == body


def test_status(ctl, target):
    base, p = target
    path = base + "/status" if base == "/v1/primary" else base
    r = ctl.get(path)
    want = PRIMARY_STATUS if base == "/v1/primary" else NFV_STATUS
    check(r, p, 200, ["status"], want)


def test_primary_clear(ctl, primary):
    check(ctl.delete("/v1/primary/status"), primary, 204, ["clear"])


@pytest.mark.parametrize("action,cmd", [("start", "forward"),
                                        ("stop", "stop")])
def test_forward(ctl, target, action, cmd):
    base, p = target
    check(ctl.put(base + "/forward", {"action": action}), p, 204, [cmd])


@pytest.mark.parametrize("body,cmd", [
    ({"action": "add", "port": "ring:0"}, "add ring:0"),
    ({"action": "add", "port": "vhost:1"}, "add vhost:1"),
    ({"port": "pcap:2", "action": "add"}, "add pcap:2"),
    ({"action": "add", "port": "nullpmd:3"}, "add nullpmd:3"),
    ({"action": "add", "port": "memif:4"}, "add memif:4"),
    ({"action": "add", "port": "tap:5"}, "add tap:5"),
    ({"action": "del", "port": "phy:1023"}, "del phy:1023"),
    ({"action": "add", "port": "phy:0nq1"}, "add phy:0nq1"),
    # the human form of status is taken and sent in wire form
    ({"action": "del", "port": "phy:0 nq 1"}, "del phy:0nq1"),
    # an existing pipe taken as a port (spp_cmd.c decides what is valid)
    ({"action": "add", "port": "pipe:2"}, "add pipe:2"),
])
def test_ports(ctl, target, body, cmd):
    base, p = target
    check(ctl.put(base + "/ports", body), p, 204, [cmd])


def test_primary_pipe(ctl, primary):
    r = ctl.put("/v1/primary/ports", {"action": "add", "port": "pipe:0",
                                      "rx": "ring:1", "tx": "ring:2"})
    check(r, primary, 204, ["add pipe:0 ring:1 ring:2"])


def test_primary_del_pipe(ctl, primary):
    r = ctl.put("/v1/primary/ports", {"action": "del", "port": "pipe:3"})
    check(r, primary, 204, ["del pipe:3"])


def test_patches(ctl, target):
    base, p = target
    r = ctl.put(base + "/patches", {"src": "phy:0", "dst": "ring:0"})
    check(r, p, 204, ["patch phy:0 ring:0"])


def test_patch_reset(ctl, target):
    base, p = target
    check(ctl.delete(base + "/patches"), p, 204, ["patch reset"])


def test_exit(ctl, target):
    base, p = target
    check(ctl.delete(base), p, 204, ["exit"])
    assert ctl.processes() == []


def test_exit_closes_connection(ctl, procs):
    """spp-ctl forgets an exited process even if it lingers."""
    p = procs("nfv", 1, close_on_exit=False)
    check(ctl.delete("/v1/nfvs/1"), p, 204, ["exit"])
    assert p.closed_by_peer.wait(5)
    assert ctl.processes() == []
    r = ctl.get("/v1/nfvs/1")
    assert r.status_code == 404


@pytest.mark.parametrize("kind,base", [("vf", "/v1/vfs"),
                                       ("mirror", "/v1/mirrors"),
                                       ("pcap", "/v1/pcaps"),
                                       ("nfv", "/v1/nfvs")])
def test_secondary_status_and_exit(ctl, procs, kind, base):
    status = {"client-id": 9, "master-lcore": 1, "ports": [],
              "components": [{"core": 2, "type": "unuse"}]}
    p = procs(kind, 9, replies={"status": {"result": "ok", "data": status}})
    check(ctl.get(base + "/9"), p, 200, ["status"], status)
    check(ctl.delete(base + "/9"), p, 204, ["status", "exit"])
    assert ctl.processes() == []


@pytest.mark.parametrize("data", [[1, 2], "text", 3, None, {}])
def test_reply_data_of_any_type(ctl, procs, data):
    p = procs("nfv", 1, replies={"status": {"result": "ok", "data": data}})
    check(ctl.get("/v1/nfvs/1"), p, 200, ["status"], data)


@pytest.mark.parametrize("reply,status,error", [
    ({"result": "error", "code": 400, "message": "port ring:9 is not added"},
     400, "port ring:9 is not added"),
    ({"result": "error", "code": 404, "message": "no such port"},
     404, "no such port"),
    ({"result": "error", "code": 409, "message": "port in use"},
     409, "port in use"),
    # no code: the process refused the command
    ({"result": "error", "message": "busy"}, 400,
     "nfv 1 refused 'add ring:9': busy"),
    ({"result": "error"}, 400, "nfv 1 refused 'add ring:9'"),
    # a code that is not an error status is a broken reply
    ({"result": "error", "code": 200, "message": "x"}, 500,
     "invalid reply from nfv 1: \"code\" is not an HTTP error status"),
    ({"result": "error", "code": "400", "message": "x"}, 500,
     "invalid reply from nfv 1: \"code\" is not an HTTP error status"),
    ({"result": "failed"}, 500,
     "invalid reply from nfv 1: no \"result\" of \"ok\" or \"error\""),
    ({"data": {}}, 500,
     "invalid reply from nfv 1: no \"result\" of \"ok\" or \"error\""),
])
def test_error_replies(ctl, procs, reply, status, error):
    p = procs("nfv", 1, replies={"add ring:9": reply})
    r = ctl.put("/v1/nfvs/1/ports", {"action": "add", "port": "ring:9"})
    assert r.status_code == status
    assert r.headers["Content-Type"] == "application/json"
    assert r.json() == {"error": error}
    assert p.commands == ["add ring:9"]
    # the process is still there and answers
    assert ctl.processes() == [{"type": "nfv", "client-id": 1}]
    assert ctl.get("/v1/nfvs/1").status_code == 204


def test_reply_not_json(ctl, procs):
    p = procs("nfv", 1, replies={"status": b"{oops"})
    r = ctl.get("/v1/nfvs/1")
    assert r.status_code == 500
    assert r.json()["error"].startswith("invalid reply from nfv 1: ")
    assert p.commands == ["status"]


def test_refused_exit_keeps_process(ctl, procs):
    p = procs("nfv", 1, replies={"exit": {"result": "error", "code": 409,
                                          "message": "forwarding"}},
              close_on_exit=False)
    r = ctl.delete("/v1/nfvs/1")
    assert r.status_code == 409
    assert r.json() == {"error": "forwarding"}
    assert ctl.processes() == [{"type": "nfv", "client-id": 1}]
