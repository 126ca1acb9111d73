# SPDX-License-Identifier: BSD-3-Clause
"""Topology files (issue 20): `spp export FILE` writes the node's processes
with their launch options and configuration, `spp apply FILE` makes the
node match it (launching what is missing, adding what is missing, removing
what is not in the file), with real processes launched by the primary.
Export, tear down, apply: the same status; apply twice: nothing the second
time; a file with an error: nothing changes and the line is named."""

import json
import os

import pytest
import yaml

from sppenv import PcapPorts, Spp, wait_for, src_dst
from test_cli import cli, cli_ok
from test_persist import VF_CONFIG, config_of, vf_feed

MIRROR_CONFIG = ["component start mr1 6 mirror shallow",
                 "port add ring:8 rx mr1", "port add ring:9 tx mr1",
                 "port add ring:10 tx mr1"]
NFV_CONFIG = ["add ring:12", "add ring:11", "patch ring:11 ring:12",
              "patch ring:12 ring:11", "forward"]


@pytest.fixture
def spp(request):
    s = Spp("persist_" + request.node.name[5:16], nb_rings=16, state=True)
    yield s
    s.close()


def launch_body(spp, kind, cid, lcores):
    opt = "-n" if kind == "nfv" else "--client-id"
    return {"proc_name": "spp_" + kind, "client_id": cid,
            "eal": {"--lcores": lcores, "--no-pci": None,
                    "--log-level": "lib.eal:warning"},
            "app": {opt: str(cid), "-s": "127.0.0.1:%d" % spp.sec_port}}


def launch(spp, kind, cid, lcores):
    spp.ok(spp.put("/primary/launch", launch_body(spp, kind, cid, lcores)),
           204)
    wait_for(lambda: spp.has_process(kind, cid), timeout=30,
             what="%s %d launched" % (kind, cid))


def node(spp):
    """nfv 1 (the feeder of the frame checks, empty), vf 2, mirror 3 and
    nfv 4, launched by the primary and configured."""
    launch(spp, "nfv", 1, "1@0,2@1")
    launch(spp, "vf", 2, "3@0,4@1")
    launch(spp, "mirror", 3, "5@0,6@1")
    launch(spp, "nfv", 4, "11@0,12@1")
    spp.nfv(4, *NFV_CONFIG)
    spp.vf(2, *VF_CONFIG)
    spp.mirror(3, *MIRROR_CONFIG)


def state(spp):
    """What the node is, without counters."""
    out = {}
    for p in spp.processes():
        kind, cid = p["type"], p.get("client-id")
        if kind == "nfv":
            st = spp.nfv_status(cid)
            out["nfv %d" % cid] = (st["ports"], st["patches"], st["status"])
        elif kind == "vf":
            out["vf %d" % cid] = config_of(spp.vf_status(cid))
        elif kind == "mirror":
            out["mirror %d" % cid] = config_of(spp.mirror_status(cid))
    return out


def tear_down(spp):
    for p in spp.processes():
        if p["type"] != "primary":
            kinds = {"nfv": "nfvs", "vf": "vfs", "mirror": "mirrors",
                     "pcap": "pcaps"}
            spp.ok(spp.delete("/%s/%d" % (kinds[p["type"]],
                                          p["client-id"])), 204)
    wait_for(lambda: [p["type"] for p in spp.processes()] == ["primary"],
             timeout=20, what="secondaries gone")


def test_export_tear_down_apply(spp, tmp_path):
    """export -> every secondary exits -> apply: the processes are launched
    again with their options and configured; the status is the one
    exported and frames go through as before; a second apply changes
    nothing; a second export is the same file."""
    node(spp)
    pcaps = PcapPorts(61, 62, 63, 64)
    try:
        before_frames = vf_feed(spp, pcaps)
        want = state(spp)
        path = str(tmp_path / "node.yaml")
        out = cli_ok(spp, "export " + path)
        assert "written to " + path in out
        with open(path) as f:
            text = f.read()
        doc = yaml.safe_load(text)
        assert doc["version"] == 1
        procs = {(p["type"], p.get("client-id")): p
                 for p in doc["processes"]}
        assert set(procs) == {("primary", None), ("nfv", 1), ("vf", 2),
                              ("mirror", 3), ("nfv", 4)}
        assert procs[("vf", 2)]["launch"] == launch_body(spp, "vf", 2,
                                                         "3@0,4@1")
        assert procs[("vf", 2)]["commands"][0] == \
            "component start cls1 4 classifier"
        assert len(procs[("vf", 2)]["commands"]) == len(VF_CONFIG)
        assert procs[("nfv", 4)]["commands"] == NFV_CONFIG
        assert procs[("nfv", 1)]["commands"] == []
        assert procs[("mirror", 3)]["commands"] == MIRROR_CONFIG
        # the JSON form holds the same
        jpath = str(tmp_path / "node.json")
        cli_ok(spp, "export " + jpath)
        with open(jpath) as f:
            assert json.load(f) == doc

        tear_down(spp)
        out = cli_ok(spp, "apply %s --dry-run" % path)
        assert "plan (nothing done, --dry-run)" in out
        assert "  primary: launch 2 spp_vf " in out, out
        assert "  vf 2: component start cls1 4 classifier" in out
        assert [p["type"] for p in spp.processes()] == ["primary"]

        out = cli_ok(spp, "apply " + path, timeout=120)
        assert "  primary: launch 3 spp_mirror " in out, out
        assert "  nfv 4: patch ring:12 ring:11" in out
        assert out.count("\n") == 4 + len(NFV_CONFIG) + len(VF_CONFIG) + \
            len(MIRROR_CONFIG)
        assert state(spp) == want
        after = vf_feed(spp, pcaps)
        assert [bytes(f) for f in after[3]] == \
            [bytes(f) for f in before_frames[3]]
        assert sorted(bytes(f) for f in after[5]) == \
            sorted(bytes(f) for f in before_frames[5])

        assert cli_ok(spp, "apply " + path) == \
            "nothing to change: the node matches %s\n" % path
        again = str(tmp_path / "again.yaml")
        cli_ok(spp, "export " + again)
        with open(again) as f:
            assert f.read() == text
    finally:
        pcaps.cleanup()


def test_apply_adds_and_removes(spp, tmp_path):
    """A file without the mirror, with another patch for nfv 4 and one
    more classifier entry: the mirror exits, nfv 4's patches are reset and
    made again, the entry is added; and the node then exports as the file
    says."""
    node(spp)
    path = str(tmp_path / "node.yaml")
    cli_ok(spp, "export " + path)
    with open(path) as f:
        doc = yaml.safe_load(f)
    doc["processes"] = [p for p in doc["processes"]
                        if p["type"] != "mirror"]
    for p in doc["processes"]:
        if p["type"] == "nfv" and p["client-id"] == 4:
            p["commands"] = ["add ring:12", "add ring:11",
                             "patch ring:11 ring:12", "forward"]
        if p["type"] == "vf":
            p["commands"].append(
                "classifier_table add vlan 101 52:54:00:00:00:0b ring:2")
    with open(path, "w") as f:
        yaml.safe_dump(doc, f)
    out = cli_ok(spp, "apply " + path)
    assert out.splitlines() == [
        "  mirror 3: exit",
        "  vf 2: classifier_table add vlan 101 52:54:00:00:00:0b ring:2",
        "  nfv 4: stop", "  nfv 4: patch reset",
        "  nfv 4: patch ring:11 ring:12", "  nfv 4: forward"]
    wait_for(lambda: not spp.has_process("mirror", 3), what="mirror gone")
    assert src_dst(spp.nfv_status(4)["patches"]) == [
        {"src": "ring:11", "dst": "ring:12"}]
    assert json.loads(spp.get("/topology").text) == doc
    assert cli_ok(spp, "apply " + path).startswith("nothing to change")


BAD_FILES = [
    ("version: 1\nprocesses:\n- type: vf\n  client-id: 2\n  commands:\n"
     "  - component start cls1 4 classifier\n"
     "  - port add ring:99x rx cls1\n", 7, "trailing characters"),
    ("version: 1\nprocesses:\n- type: vf\n  client-id: 2\n"
     "  commands: [component start x 4 forward\n", 6, "expected ','"),
    ("version: 1\nprocesses:\n- type: nfv\n  client-id: 4\n"
     "  commands:\n  - add ring:12\n  - exit\n", 7, "not a command that"),
    ("version: 1\nprocesses:\n- type: nfv\n  client-id: 1\n"
     "- type: vf\n  client-id: 1\n", 5, "given already on line 3"),
    ("version: 1\nprocesses:\n- type: nfv\n  client-id: 9\n", 3,
     "is not running and the file has no 'launch'"),
    ("version: 2\nprocesses: []\n", 1, "'version' must be 1"),
    ('{"version": 1,\n "processes": [{"type": "nfv", "client-id": 1,\n'
     '   "commands": ["add ring:1",\n                "patch ring:1"]}]}\n',
     4, "patch"),
]


def test_apply_bad_file_changes_nothing(spp, tmp_path):
    """Files with an error (a bad port, YAML that does not parse, a
    command that is no configuration, a client id twice, a missing process
    without launch options, another version, a JSON file with a bad
    command): apply and apply --dry-run refuse them naming the line, and
    the node is as it was."""
    node(spp)
    want = state(spp)
    path = str(tmp_path / "bad.yaml")
    for text, line, msg in BAD_FILES:
        with open(path, "w") as f:
            f.write(text)
        for extra in ("", " --dry-run"):
            r = cli(spp, "apply " + path + extra)
            assert r.returncode == 1, r.stdout + r.stderr
            assert r.stderr.startswith("error: apply: %s: line %d: " %
                                       (path, line)), r.stderr
            assert msg in r.stderr, r.stderr
    assert state(spp) == want
