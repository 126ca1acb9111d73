# SPDX-License-Identifier: BSD-3-Clause
"""spp-ctl's record of the processes' configuration (--state-dir), against
fake processes that keep a configuration as spp_nfv would: what is
recorded, when it is put back and in which order, what is believed, what
is forgotten, and a record that cannot be read."""

import json
import os
import subprocess

from sppfake import OK, SPP_CTL, FakeProcess


class FakeNfv(FakeProcess):
    """A fake spp_nfv that keeps its ports, patches and forwarding from the
    commands it gets and shows them in its status; refuse: commands it
    answers with an error."""

    def __init__(self, *args, config=None, refuse=(), **kw):
        self.config = config or {"ports": [], "patches": [],
                                 "status": "idling"}
        self.refuse = set(refuse)
        super().__init__(*args, **kw)

    def _answer(self, cmd):
        c, w = self.config, cmd.split()
        if cmd in self.refuse:
            return {"result": "error", "code": 400, "message": "no " + cmd}
        if cmd == "status":
            return {"result": "ok", "data": dict(c, **{"client-id":
                                                       self.client_id})}
        if w[0] == "add":
            c["ports"].append(w[1])
        elif w[0] == "del":
            c["ports"].remove(w[1])
        elif cmd == "patch reset":
            c["patches"] = []
        elif w[0] == "patch":
            c["patches"].append({"src": w[1], "dst": w[2]})
            if len(w) == 4:  # on an lcore the user chose
                c["patches"][-1].update(lcore=int(w[3]), pinned=True)
        elif cmd in ("forward", "stop"):
            c["status"] = "running" if cmd == "forward" else "idling"
        return OK


CONFIG = ["add ring:0", "add ring:1", "patch ring:0 ring:1", "forward"]


def nfv(ctl, cid=1, **kw):
    p = FakeNfv(ctl.host, ctl.sec_port, "nfv", cid, **kw)
    assert p.accepted, p.hello_reply
    return p


def build(ctl, cid=1):
    for body in ({"action": "add", "port": "ring:0"},
                 {"action": "add", "port": "ring:1"}):
        assert ctl.put("/v1/nfvs/%d/ports" % cid, body).status_code == 204
    assert ctl.put("/v1/nfvs/%d/patches" % cid,
                   {"src": "ring:0", "dst": "ring:1"}).status_code == 204
    assert ctl.put("/v1/nfvs/%d/forward" % cid,
                   {"action": "start"}).status_code == 204


def record(d):
    with open(os.path.join(d, "state.json")) as f:
        return json.load(f)


def test_recorded_and_put_back_first(ctl_factory, tmp_path):
    """Commands that succeed are recorded as the state they leave; a
    process that comes back empty gets them back before the status a REST
    client asked for at once; /v1/processes says so."""
    d = str(tmp_path)
    ctl = ctl_factory("--state-dir", d)
    p = nfv(ctl)
    build(ctl)
    # a refused command changes nothing of the record
    assert ctl.put("/v1/nfvs/1/ports",
                   {"action": "add", "port": "ring:x"}).status_code == 400
    rec = record(d)
    assert rec == {"version": 1, "processes": {"nfv 1": {
        "type": "nfv", "client-id": 1, "commands": CONFIG}}}
    p.close()  # a crash: the record stays
    ctl.wait_processes([])
    assert record(d) == rec
    p = nfv(ctl, delay=0.1)
    st = ctl.get("/v1/nfvs/1").json()
    assert st["ports"] == ["ring:0", "ring:1"] and st["status"] == "running"
    assert p.commands == ["status"] + CONFIG + ["status"]
    procs = ctl.processes()
    r = procs[0]["restored"]
    assert r["commands"] == 4 and r["failed"] == [] and r["at"].endswith("Z")
    assert "nfv 1 came back empty: putting back 4 commands" in ctl.log_text()
    p.close()


def test_connected_with_configuration_is_believed(ctl_factory, tmp_path):
    """spp-ctl restarted: a process that comes with a configuration is not
    touched, and its configuration becomes the record."""
    d = str(tmp_path)
    ctl = ctl_factory("--state-dir", d)
    p = nfv(ctl)
    build(ctl)
    p.close()
    ctl.stop()
    ctl2 = ctl_factory("--state-dir", d)
    p = nfv(ctl2, config={"ports": ["ring:5"], "patches": [],
                          "status": "idling"})
    p.wait_commands(1)
    ctl2.get("/v1/nfvs/1")
    assert p.commands == ["status", "status"]
    assert record(d)["processes"]["nfv 1"]["commands"] == ["add ring:5"]
    assert "restored" not in ctl2.processes()[0]
    p.close()


def test_pinned_patch_recorded_with_its_lcore(ctl_factory, tmp_path):
    """A patch the user put on an lcore is recorded with it and put back
    there; a patch the process placed itself is put back without one."""
    d = str(tmp_path)
    ctl = ctl_factory("--state-dir", d)
    p = nfv(ctl, config={"ports": ["ring:5", "ring:6"], "patches": [
        {"src": "ring:5", "dst": "ring:6", "lcore": 2, "pinned": True},
        {"src": "ring:6", "dst": "ring:5", "lcore": 1}],
        "status": "idling"})
    p.wait_commands(1)
    ctl.get("/v1/nfvs/1")
    want = ["add ring:5", "add ring:6", "patch ring:5 ring:6 2",
            "patch ring:6 ring:5"]
    assert record(d)["processes"]["nfv 1"]["commands"] == want
    p.close()
    ctl.wait_processes([])
    p = nfv(ctl, delay=0.1)
    ctl.get("/v1/nfvs/1")
    assert p.commands[1:5] == want
    p.close()


def test_failed_commands_reported_rest_goes_in(ctl_factory, tmp_path):
    d = str(tmp_path)
    ctl = ctl_factory("--state-dir", d)
    p = nfv(ctl)
    build(ctl)
    p.close()
    ctl.wait_processes([])
    p = nfv(ctl, refuse={"add ring:1"})
    ctl.get("/v1/nfvs/1")
    r = ctl.processes()[0]["restored"]
    assert r["commands"] == 3
    assert r["failed"] == [{"command": "add ring:1",
                            "error": "no add ring:1"}]
    assert "nfv 1: cannot put back 'add ring:1': no add ring:1" in \
        ctl.log_text()
    assert p.commands[1:4] == CONFIG[:3]
    p.close()


def test_exit_forgets_the_record(ctl_factory, tmp_path):
    d = str(tmp_path)
    ctl = ctl_factory("--state-dir", d)
    p = nfv(ctl)
    nfv_2 = nfv(ctl, 2)
    build(ctl)
    build(ctl, 2)
    assert ctl.delete("/v1/nfvs/1").status_code == 204
    assert list(record(d)["processes"]) == ["nfv 2"]
    p = nfv(ctl)  # comes back empty, and stays so
    assert ctl.get("/v1/nfvs/1").json()["ports"] == []
    assert p.commands == ["status", "status"]
    p.close()
    nfv_2.close()


def test_no_state_keeps_nothing(ctl_factory, tmp_path):
    ctl = ctl_factory("--no-state")
    p = nfv(ctl)
    build(ctl)
    p.close()
    ctl.wait_processes([])
    p = nfv(ctl)
    assert ctl.get("/v1/nfvs/1").json()["ports"] == []
    assert p.commands == ["status"]
    assert os.listdir(str(tmp_path)) == []
    p.close()


def run_ctl(*args):
    return subprocess.run([str(SPP_CTL), "-p", "1", "-s", "2", "-a", "3",
                           *args], capture_output=True, text=True,
                          timeout=10)


def test_unreadable_record_is_not_replaced(tmp_path):
    """A record that does not read stops spp-ctl, naming the file: it is
    never replaced by an empty one."""
    f = tmp_path / "state.json"
    f.write_text('{"version": 1, "processes": {')
    r = run_ctl("--state-dir", str(tmp_path))
    assert r.returncode == 1
    assert "cannot read the record %s" % f in r.stderr, r.stderr
    assert f.read_text() == '{"version": 1, "processes": {'
    f.write_text('{"version": 7, "processes": {}}')
    r = run_ctl("--state-dir", str(tmp_path))
    assert r.returncode == 1 and "not a version 1 record" in r.stderr
    r = run_ctl("--state-dir", str(f))
    assert r.returncode == 1
    assert "cannot use the record" in r.stderr and \
        "Not a directory" in r.stderr, r.stderr
    r = run_ctl("--state-dir", str(tmp_path), "--no-state")
    assert r.returncode == 2 and "do not go together" in r.stderr
