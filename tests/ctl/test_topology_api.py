# SPDX-License-Identifier: BSD-3-Clause
"""GET and PUT /v1/topology against fake processes that keep a
configuration: the document in JSON and YAML, the plan of an apply, what
it sends, idempotence, and documents that are refused with their line (the
same runs on the sanitizer build; the system tier applies files to real
processes in tests/system/test_topology.py)."""

import yaml

from test_state import CONFIG, FakeNfv, build


def test_export_json_and_yaml(ctl, primary):
    p = FakeNfv(ctl.host, ctl.sec_port, "nfv", 1)
    build(ctl)
    r = ctl.get("/v1/topology")
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc == {"version": 1, "processes": [
        {"type": "primary", "commands": []},
        {"type": "nfv", "client-id": 1, "commands": CONFIG}]}
    r = ctl.get("/v1/topology/yaml")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/yaml"
    assert yaml.safe_load(r.text) == doc
    p.close()


def apply(ctl, text, dry=False):
    return ctl.put("/v1/topology" + ("/dry-run" if dry else ""),
                   data=text.encode())


def test_apply_plans_then_changes_only_the_difference(ctl, primary):
    p = FakeNfv(ctl.host, ctl.sec_port, "nfv", 1)
    build(ctl)
    want = ("version: 1\nprocesses:\n- type: nfv\n  client-id: 1\n"
            "  commands:\n  - add ring:0\n  - add ring:1\n  - add ring:2\n"
            "  - patch ring:0 ring:2\n  - forward\n")
    n = len(p.commands)
    r = apply(ctl, want, dry=True)
    assert r.status_code == 200, r.text
    plan = [c["command"] for c in r.json()["changes"]]
    assert plan == ["stop", "patch reset", "add ring:2",
                    "patch ring:0 ring:2", "forward"]
    assert r.json()["dry-run"] is True and r.json()["failed"] == []
    assert p.commands[n:] == ["status"]  # looked, changed nothing
    r = apply(ctl, want)
    assert r.status_code == 200, r.text
    assert [c["command"] for c in r.json()["changes"]] == plan
    assert [c for c in p.commands[n:] if c != "status"] == plan
    r = apply(ctl, want)
    assert r.json()["changes"] == []
    # the primary is left alone when the file has none
    assert primary.commands.count("status") == len(primary.commands)
    p.close()


def test_apply_reports_refused_commands(ctl, primary):
    p = FakeNfv(ctl.host, ctl.sec_port, "nfv", 1, refuse={"add ring:3"})
    r = apply(ctl, '{"processes": [{"type": "nfv", "client-id": 1, '
              '"commands": ["add ring:3", "add ring:4"]}]}')
    assert r.status_code == 200, r.text
    assert r.json()["failed"] == [{"process": "nfv 1",
                                   "command": "add ring:3",
                                   "error": "no add ring:3"}]
    assert [c["command"] for c in r.json()["changes"]] == ["add ring:4"]
    p.close()


def test_bad_documents(ctl, primary):
    p = FakeNfv(ctl.host, ctl.sec_port, "nfv", 1)
    cases = [
        ("", "a YAML or JSON document is required"),
        ("- 1\n", "line 1: the document must be a mapping"),
        ("version: 1\nprocesses: 3\n", "line 2: 'processes' must be a list"),
        ("version: 1\nextra: 1\nprocesses: []\n",
         "line 1: unknown key 'extra'"),
        ("processes:\n- type: nfv\n  client-id: 1\n  client-id: 2\n",
         "line 4: key 'client-id' given twice"),
        ("processes:\n- type: router\n", "line 2: 'type' must be primary"),
        ("processes:\n- type: nfv\n  client-id: 0\n",
         "line 3: 'client-id' must be an integer 1-1023"),
        ("processes:\n- type: nfv\n  client-id: 1\n  commands: add ring:0\n",
         "line 4: 'commands' must be a list"),
        ("processes:\n- type: nfv\n  client-id: 1\n  commands:\n"
         "  - component start a 1 forward\n",
         "line 5: nfv 1: "),
        ("processes:\n- type: vf\n  client-id: 2\n  launch: {proc_name: "
         "spp_nfv, client_id: 2}\n", "line 4: 'launch' must be the body"),
        ("processes:\n- type: vf\n  client-id: 2\n  launch:\n"
         "    proc_name: spp_vf\n    client_id: 2\n    eal: 7\n",
         "line 5: vf 2: 'eal' must be"),
        ("a: &a [*a]\n", "line 1:"),
        ("\xff\n", "line 1:"),
    ]
    for text, msg in cases:
        r = ctl.put("/v1/topology", data=text.encode("latin-1"))
        assert r.status_code == 400, (text, r.text)
        assert r.json()["error"].startswith(msg), (text, r.json())
    assert p.commands == ["status"] * len([c for c in p.commands])
    p.close()


def test_apply_forgets_records_the_file_lacks(ctl_factory, tmp_path):
    """A process that is not running and not in the file loses its record
    (it would come back with it one day); one that is running and not in
    the file exits (which forgets it too)."""
    import json
    import os
    ctl = ctl_factory("--state-dir", str(tmp_path))
    gone = FakeNfv(ctl.host, ctl.sec_port, "nfv", 1)
    other = FakeNfv(ctl.host, ctl.sec_port, "nfv", 2)
    build(ctl, 1)
    build(ctl, 2)
    gone.close()
    ctl.wait_processes([{"type": "nfv", "client-id": 2}])
    r = apply(ctl, "processes: []\n", dry=True)
    assert r.json()["changes"] == [
        {"process": "nfv 2", "command": "exit"},
        {"process": "nfv 1", "command": "(its record forgotten)"}]
    r = apply(ctl, "processes: []\n")
    assert r.json()["changes"] == [
        {"process": "nfv 2", "command": "exit"},
        {"process": "nfv 1", "command": "(its record forgotten)"}]
    with open(os.path.join(str(tmp_path), "state.json")) as f:
        assert json.load(f)["processes"] == {}
    other.close()
