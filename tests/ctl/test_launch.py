# SPDX-License-Identifier: BSD-3-Clause
"""PUT /v1/primary/launch: the command line, and what is refused."""

import os

import pytest


def launch(ctl, body):
    return ctl.put("/v1/primary/launch", body)


@pytest.mark.parametrize("body,cmd", [
    ({"proc_name": "spp_nfv", "client_id": 1,
      "eal": {"-l": "1,2", "-m": "512", "--proc-type": "secondary",
              "--file-prefix": "spp"},
      "app": {"-n": "1", "-s": "127.0.0.1:6666", "--vhost-client": ""}},
     "launch 1 spp_nfv -l 1,2 -m 512 --proc-type secondary --file-prefix spp"
     " -- -n 1 -s 127.0.0.1:6666 --vhost-client"),
    # null is a flag too; integers are written out; order is kept
    ({"proc_name": "spp_vf", "client_id": 2,
      "eal": {"--lcores": "3-5", "--no-pci": None, "-n": 4},
      "app": {"--vhost-client": None, "--client-id": 2,
              "-s": "10.0.0.1:6666"}},
     "launch 2 spp_vf --lcores 3-5 --no-pci -n 4 -- --vhost-client"
     " --client-id 2 -s 10.0.0.1:6666"),
    ({"proc_name": "spp_mirror", "client_id": 1023,
      "eal": {"-c": "0x6"},
      "app": {"--client-id": "1023", "-s": "127.0.0.1:6666"}},
     "launch 1023 spp_mirror -c 0x6 -- --client-id 1023 -s 127.0.0.1:6666"),
    # a list repeats the option
    ({"proc_name": "spp_pcap", "client_id": 4,
      "eal": {"-l": "6,7", "--vdev": ["net_tap0,iface=a", "net_tap1"]},
      "app": {"--client-id": "4", "-s": "127.0.0.1:6666", "-c": "phy:0",
              "--out-dir": "/tmp/x", "--fsize": 1000}},
     "launch 4 spp_pcap -l 6,7 --vdev net_tap0,iface=a --vdev net_tap1 --"
     " --client-id 4 -s 127.0.0.1:6666 -c phy:0 --out-dir /tmp/x"
     " --fsize 1000"),
])
def test_launch(ctl, primary, body, cmd):
    r = launch(ctl, body)
    assert r.status_code == 204, r.text
    assert primary.commands == [cmd]


# The exact bodies of the original CLI's "pri; launch nfv 1 -l 1-2 -m 512
# -- -n 1 -s 127.0.0.1:6666" (its client_id is a string, flags are null,
# and it adds --proc-type), and of the original's tests.
@pytest.mark.parametrize("body,cmd", [
    ({"client_id": "1", "proc_name": "spp_nfv",
      "eal": {"-l": "1-2", "-m": "512", "--proc-type": "secondary"},
      "app": {"-n": "1", "-s": "127.0.0.1:6666"}},
     "launch 1 spp_nfv -l 1-2 -m 512 --proc-type secondary -- -n 1"
     " -s 127.0.0.1:6666"),
    ({"client_id": "2", "proc_name": "spp_vf",
      "eal": {"-l": "1,3-4", "-m": "512", "--proc-type": "secondary"},
      "app": {"--client-id": "2", "-s": "127.0.0.1:6666",
              "--vhost-client": None}},
     "launch 2 spp_vf -l 1,3-4 -m 512 --proc-type secondary -- "
     "--client-id 2 -s 127.0.0.1:6666 --vhost-client"),
    ({"client_id": "1023", "proc_name": "spp_pcap", "eal": {"-l": "1,5"},
      "app": {"--client-id": "1023", "-s": "127.0.0.1:6666",
              "-c": "phy:0"}},
     "launch 1023 spp_pcap -l 1,5 -- --client-id 1023 -s 127.0.0.1:6666"
     " -c phy:0"),
    # blanks around and a sign, as Python's int() takes them
    ({"client_id": " +3 ", "proc_name": "spp_mirror", "eal": {"-l": "1,6"},
      "app": {"--client-id": "3", "-s": "127.0.0.1:6666"}},
     "launch 3 spp_mirror -l 1,6 -- --client-id 3 -s 127.0.0.1:6666"),
])
def test_launch_original_cli_bodies(ctl, primary, body, cmd):
    r = launch(ctl, body)
    assert r.status_code == 204, r.text
    assert primary.commands == [cmd]


def test_launch_refused_by_primary(ctl, procs):
    cmd = "launch 1 spp_nfv -l 1 -- -n 1 -s 127.0.0.1:6666"
    p = procs("primary", replies={cmd: {
        "result": "error", "code": 400, "message": "cannot start spp_nfv"}})
    body = {"proc_name": "spp_nfv", "client_id": 1, "eal": {"-l": "1"},
            "app": {"-n": "1", "-s": "127.0.0.1:6666"}}
    r = launch(ctl, body)
    assert r.status_code == 400
    assert r.json() == {"error": "cannot start spp_nfv"}
    assert p.commands == [cmd]


BAD_ID = "client_id must be an integer 1-1023 (or a string holding one)"
NFV = {"proc_name": "spp_nfv", "client_id": 1, "eal": {"-l": "1,2"},
       "app": {"-n": "1", "-s": "127.0.0.1:6666"}}


def nfv(**over):
    body = dict(NFV)
    body.update(over)
    return {k: v for k, v in body.items() if v is not None}


@pytest.mark.parametrize("body,error", [
    ({}, "launch: missing proc_name, client_id, eal, app"),
    (nfv(proc_name=None), "launch: missing proc_name"),
    (nfv(client_id=None), "launch: missing client_id"),
    (nfv(eal=None, app=None), "launch: missing eal, app"),
    (nfv(eal={"-m": "512"}), "launch: missing eal option -l, --lcores or -c"),
    (nfv(eal={"-l": ""}), "launch: missing eal option -l, --lcores or -c"),
    (nfv(eal={"-l": None}), "launch: missing eal option -l, --lcores or -c"),
    (nfv(app={"-n": "1"}), "launch: missing app option -s"),
    (nfv(app={"-s": "127.0.0.1:6666"}), "launch: missing app option -n"),
    (nfv(app={}), "launch: missing app option -s, app option -n"),
    (nfv(proc_name=None, app={}), "launch: missing proc_name, app option -s"),
    ({"proc_name": "spp_vf", "client_id": 2, "eal": {"-l": "2"},
      "app": {"-n": "2", "-s": "127.0.0.1:6666"}},
     "launch: missing app option --client-id"),
    ({"proc_name": "spp_mirror", "client_id": 2, "eal": {"-l": "2"},
      "app": {"-s": "127.0.0.1:6666"}},
     "launch: missing app option --client-id"),
    ({"proc_name": "spp_pcap", "client_id": 2, "eal": {"-m": "2"},
      "app": {"--client-id": "2"}},
     "launch: missing eal option -l, --lcores or -c, app option -s, "
     "app option -c"),
    (nfv(proc_name="spp_primary"),
     "invalid proc_name: expected spp_nfv, spp_vf, spp_mirror or spp_pcap"),
    (nfv(proc_name="nfv"),
     "invalid proc_name: expected spp_nfv, spp_vf, spp_mirror or spp_pcap"),
    (nfv(proc_name=1),
     "invalid proc_name: expected spp_nfv, spp_vf, spp_mirror or spp_pcap"),
    (nfv(client_id="x"), BAD_ID),
    (nfv(client_id=""), BAD_ID),
    (nfv(client_id="1x"), BAD_ID),
    (nfv(client_id="0x1"), BAD_ID),
    (nfv(client_id="1.0"), BAD_ID),
    (nfv(client_id="0"), BAD_ID),
    (nfv(client_id="1024"), BAD_ID),
    (nfv(client_id="99999999999999999999"), BAD_ID),
    (nfv(client_id=0), BAD_ID),
    (nfv(client_id=1024), BAD_ID),
    (nfv(client_id=1.0), BAD_ID),
    (nfv(client_id=True), BAD_ID),
    (nfv(client_id=[1]), BAD_ID),
    (nfv(app={"-n": "2", "-s": "127.0.0.1:6666"}),
     "app option -n must be the client_id 1"),
    (nfv(app={"-n": 2, "-s": "127.0.0.1:6666"}),
     "app option -n must be the client_id 1"),
    (nfv(app={"-n": "01", "-s": "127.0.0.1:6666"}),
     "app option -n must be the client_id 1"),
    (nfv(app={"-n": "1x", "-s": "127.0.0.1:6666"}),
     "app option -n must be the client_id 1"),
    ({"proc_name": "spp_vf", "client_id": 2, "eal": {"-l": "2"},
      "app": {"--client-id": "3", "-s": "127.0.0.1:6666"}},
     "app option --client-id must be the client_id 2"),
    (nfv(extra=1),
     "unknown key 'extra' (expected proc_name, client_id, eal, app)"),
    (nfv(eal="-l 1,2"), "'eal' must be an object of options"),
    (nfv(app=["-n", "1"]), "'app' must be an object of options"),
    (nfv(eal={"-l": "1, 2"}),
     "eal option '-l' has the invalid value '1, 2' (one word, not '--')"),
    (nfv(eal={"-l": "1", "-m": "--"}),
     "eal option '-m' has the invalid value '--' (one word, not '--')"),
    (nfv(eal={"-l": "1", "--": ""}),
     "eal key '--' is not an option (-x or --xxx)"),
    (nfv(eal={"-l": "1", "file": ""}),
     "eal key 'file' is not an option (-x or --xxx)"),
    (nfv(eal={"-l": "1", "-m 512": ""}),
     "eal key '-m 512' is not an option (-x or --xxx)"),
    (nfv(app={"-n": "1", "-s": {"ip": "x"}}),
     "app option '-s' must be a string, an integer, null or an array of "
     "them"),
    (nfv(app={"-n": "1", "-s": True}),
     "app option '-s' must be a string, an integer, null or an array of "
     "them"),
    (nfv(eal={"-l": "1", "--vdev": []}),
     "eal option '--vdev' has an empty list of values"),
    (nfv(eal={"-l": "1", "--vdev": ["a", None]}),
     "eal option '--vdev' must list strings or integers"),
    (nfv(eal={"-l": "1", "--vdev": ["a b"]}),
     "eal option '--vdev' must list strings or integers"),
])
def test_bad_launch(ctl, primary, body, error):
    r = launch(ctl, body)
    assert r.status_code == 400, r.text
    assert r.json() == {"error": error}
    assert primary.commands == []


def test_launch_too_many_words(ctl, primary):
    eal = {"-l": "1"}
    eal.update({"--opt%d" % i: "v" for i in range(100)})
    r = launch(ctl, nfv(eal=eal))
    assert r.status_code == 400
    assert r.json() == {"error": "too many words, at most 128"}
    assert primary.commands == []


def test_launch_client_id_in_use(ctl, primary, procs):
    procs("vf", 1)
    r = launch(ctl, NFV)
    assert r.status_code == 409
    assert r.json() == {
        "error": "client id 1 is in use: vf 1 is connected (pid %d)"
        % os.getpid()}
    assert primary.commands == []


def test_launch_without_primary(ctl):
    r = launch(ctl, NFV)
    assert r.status_code == 404
    assert r.json() == {"error": "primary is not connected"}
