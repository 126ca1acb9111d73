# SPDX-License-Identifier: BSD-3-Clause
"""The spp command-line client against a live system: an interactive
session in a pseudo-terminal (commands, TAB completion, history, errors),
one-shot commands for scripts, recipe files in the original's syntax played
back (launching the secondaries through the primary), record, topo, server,
--wait-pri, --config. The state every step leaves is checked through
REST."""

import os
import subprocess
import tempfile
import time

import pexpect
import pytest

from sppenv import BIN, Spp, wait_for, src_dst

SPP = os.path.join(BIN, "cli", "spp")
PROMPT = "spp > "


def cli(spp, *cmds, extra=(), timeout=60, env=None):
    argv = [SPP, "-b", "127.0.0.1:%d" % spp.ctl_port] + list(extra)
    for c in cmds:
        argv += ["-c", c]
    return subprocess.run(argv, capture_output=True, text=True,
                          timeout=timeout, env=env, stdin=subprocess.DEVNULL)


def cli_ok(spp, *cmds, **kw):
    r = cli(spp, *cmds, **kw)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stderr == "", r.stderr
    return r.stdout


def cli_err(spp, cmd, **kw):
    r = cli(spp, cmd, **kw)
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stderr.startswith("error: "), r.stderr
    # never a raw HTTP answer
    assert "HTTP" not in r.stderr and "{" not in r.stderr, r.stderr
    return r.stderr


@pytest.fixture
def home():
    with tempfile.TemporaryDirectory(prefix="spp-cli-") as d:
        yield d


def spawn(spp, home, extra=()):
    c = pexpect.spawn(SPP, ["-b", "127.0.0.1:%d" % spp.ctl_port] +
                      list(extra),
                      env={"HOME": home, "TERM": "dumb",
                           "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
                      encoding="utf-8", timeout=15, dimensions=(50, 220))
    return c


_syncs = [0]


def sync(c, prompt=PROMPT):
    """Wait until every line typed so far has run: a comment line (which
    does nothing) and its prompt. A TAB listing redraws the prompt, so a
    prompt alone does not say a command is done."""
    _syncs[0] += 1
    mark = "# sync %d" % _syncs[0]
    c.sendline(mark)
    c.expect_exact(mark)
    c.expect_exact(prompt)


def run(c, line, prompt=PROMPT):
    """Type a line, wait for the next prompt, return what was printed."""
    c.sendline(line)
    c.expect_exact(prompt)
    return c.before


# -- interactive session ------------------------------------------------------

def test_terminal_session(spp, home):
    spp.start_nfv(1)
    spp.start_vf(2)
    spp.nfv(1, "add ring:0", "add ring:1")
    spp.vf(2, "component start cls1 4 classifier")
    c = spawn(spp, home)
    try:
        c.expect_exact(PROMPT)
        out = run(c, "status")
        assert "primary: running" in out
        assert "1: nfv:1" in out and "2: vf:2" in out

        # TAB completes the kind, the live client id, the command word,
        # a port of the process (two candidates listed, then one typed)
        c.send("nf\t")
        c.expect_exact("nfv ")
        c.send("\t")
        c.expect_exact("nfv 1; ")
        c.send("pa\t")
        c.expect_exact("nfv 1; patch ")
        c.send("ring:\t\t")
        c.expect_exact("ring:0  ring:1")
        c.send("0 ring:\t\t")
        c.sendline("1")
        sync(c)
        assert src_dst(spp.nfv_status(1)["patches"]) == [
            {"src": "ring:0", "dst": "ring:1"}]

        # component names and lcores of the live vf
        c.send("vf\t")
        c.expect_exact("vf ")
        c.send("\t")
        c.expect_exact("vf 2; ")
        c.send("port add ring:2 rx c\t")
        c.expect_exact("vf 2; port add ring:2 rx cls1 ")
        c.sendline("")
        sync(c)
        comp = spp.vf_status(2)["components"][0]
        assert [p["port"] for p in comp["rx_port"]] == ["ring:2"]
        c.send("vf 2; component start fwd1 \t")
        c.expect_exact("vf 2; component start fwd1 4 ")
        c.send("f\t")
        c.expect_exact("forward ")
        c.sendline("")
        sync(c)
        assert sorted(x["name"] for x in
                      spp.vf_status(2)["components"]) == ["cls1", "fwd1"]

        # the status tables; errors: what failed and why
        for line, want in (
                ("nfv 1; status",
                 "nfv 1: idling (master lcore 1, lcores 1,2)"),
                ("nfv 1; status", "ring:0  up    -> ring:1 (lcore 2)"),
                ("vf 2; status", "cls1  classifier  ring:2"),
                ("nfv 1; patch ring:0",
                 "error: nfv 1; patch ring:0: usage: patch SRC DST"),
                ("nfv 1; patch ring:0 ring:5",
                 "error: nfv 1; patch ring:0 ring:5: ring:5 is not added"),
                ("nfv 9; status",
                 "error: nfv 9; status: nfv 9 is not connected"),
                ("vf 2; component start m1 4 mirror", "not supported by vf"),
                ("bogus", "error: unknown command 'bogus'"),
                ("nfv 1 status", "expected ';' after the process")):
            out = run(c, line)
            assert want in out, out

        # help for every command
        out = run(c, "help")
        for word in ("status", "server", "topo", "record", "playback",
                     "history", "bye", "exit", "help", "pri; COMMAND"):
            assert word in out
        out = run(c, "help vf")
        assert "classifier_table add" in out and "port add" in out
        out = run(c, "help playback")
        assert "playback FILE" in out

        # history, and the up arrow brings the last line back
        out = run(c, "history")
        assert "1  status" in out
        assert "nfv 1; patch ring:0 ring:1" in out
        spp.nfv(1, "patch reset")
        run(c, "nfv 1; patch ring:0 ring:1")
        run(c, "nfv 1; status")
        spp.nfv(1, "patch reset")
        c.send("\x1b[A\x1b[A")
        c.sendline("")
        sync(c)
        assert src_dst(spp.nfv_status(1)["patches"]) == [
            {"src": "ring:0", "dst": "ring:1"}]
        c.sendline("exit")
        c.expect(pexpect.EOF)
        c.close()
        assert c.exitstatus == 0
        # history is kept for the next session
        with open(os.path.join(home, ".spp_history")) as f:
            assert "nfv 1; patch ring:0 ring:1\n" in f.read()
        c = spawn(spp, home)
        c.expect_exact(PROMPT)
        out = run(c, "history")
        assert "nfv 1; patch ring:0 ring:1" in out
        c.sendline("bye")
        c.expect(pexpect.EOF)
    finally:
        c.close(force=True)


def test_config_file_prompt(spp, home):
    # the original's config.yml form; keys this spp does not use are named
    conf = os.path.join(home, "config.yml")
    with open(conf, "w") as f:
        f.write('prompt: {val: "node1 > ", desc: Command prompt}\n'
                'topo_size: {val: 60%, desc: Percentage or ratio of topo}\n'
                'json: on\n')
    c = spawn(spp, home, ["--config", conf])
    try:
        c.expect_exact("key 'topo_size' is not used")
        c.expect_exact("node1 > ")
        out = run(c, "status", prompt="node1 > ")
        assert '"type": "primary"' in out  # json: on
        run(c, "config json off", prompt="node1 > ")
        out = run(c, "status", prompt="node1 > ")
        assert "primary: running" in out
        c.sendline("exit")
        c.expect(pexpect.EOF)
    finally:
        c.close(force=True)
    with open(conf, "w") as f:
        f.write("json: maybe\n")
    r = subprocess.run([SPP, "--config", conf, "-c", "status"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "config.yml:1: bad value for json" in \
        r.stderr


# -- one-shot mode -------------------------------------------------------------

def test_one_shot_and_json(spp_nfv):
    spp = spp_nfv
    cli_ok(spp, "nfv 1; add ring:0", "nfv 1; add nullpmd:3",
           "nfv 1; patch nullpmd:3 ring:0")
    import json
    out = cli_ok(spp, "nfv 1; status --json")
    assert json.loads(out)["patches"] == spp.nfv_status(1)["patches"]
    out = cli_ok(spp, "pri; status", extra=["--json"])
    assert json.loads(out)["ring_ports"][0]["id"] == 0
    out = cli_ok(spp, "status --json")
    assert json.loads(out) == spp.processes()
    # failures: exit status 1, the reason on stderr, nothing after runs
    r = cli(spp, "nfv 1; del ring:7", "nfv 1; del ring:0")
    assert r.returncode == 1 and "ring:7" in r.stderr
    assert "ring:0" in spp.nfv_status(1)["ports"]
    err = cli_err(spp, "nfv 1; add dog:0")
    assert "nfv 1; add dog:0:" in err
    err = cli_err(spp, "pri; patch ring:0")
    assert "usage: patch SRC DST" in err
    err = cli_err(spp, "mirror 1; status")
    assert "mirror 1 is not connected" in err
    # no spp-ctl there
    r = subprocess.run([SPP, "-b", "127.0.0.1:1", "-c", "status"],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert "cannot reach spp-ctl at 127.0.0.1:1" in r.stderr
    r = subprocess.run([SPP, "-b", "nowhere:99999", "-c", "status"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "PORT 1-65535" in r.stderr
    # commands on standard input, one per line
    r = subprocess.run([SPP, "-b", "127.0.0.1:%d" % spp.ctl_port],
                       input="nfv 1; patch reset\nnfv 1; status\n",
                       capture_output=True, text=True)
    assert r.returncode == 0 and "nullpmd:3" in r.stdout
    assert spp.nfv_status(1)["patches"] == []


# -- recipes -------------------------------------------------------------------

def playback(spp, tmp, name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    out = cli_ok(spp, "playback " + path, timeout=120)
    return out


def launch(spp, kind, cid, lcores, app=""):
    opt = "-n" if kind == "nfv" else "--client-id"
    return ("pri; launch %s %d --lcores %s --no-pci --log-level "
            "lib.eal:warning -- %s %d -s 127.0.0.1:%d %s\n" %
            (kind, cid, lcores, opt, cid, spp.sec_port, app))


def test_recipe_nfv(spp, home):
    out = playback(spp, home, "nfv.rcp",
                   "# spp_nfv between a source, two rings and a sink\n" +
                   launch(spp, "nfv", 1, "1@0,2@1") +
                   "nfv 1; add nullpmd:0\n"
                   "nfv 1; add ring:0\n"
                   "nfv 1; add ring:1\n"
                   "\n"
                   "nfv 1; add nullpmd:1\n"
                   "nfv 1; patch nullpmd:0 ring:0\n"
                   "nfv 1; patch ring:1 nullpmd:1\n"
                   "nfv 1; forward\n"
                   "nfv 1; status\n")
    assert "nfv 1: running" in out
    st = spp.nfv_status(1)
    assert st["status"] == "running"
    assert st["ports"] == ["nullpmd:0", "ring:0", "ring:1", "nullpmd:1"]
    assert src_dst(st["patches"]) == [
        {"src": "nullpmd:0", "dst": "ring:0"},
        {"src": "ring:1", "dst": "nullpmd:1"}]
    wait_for(lambda: spp.pri_status()["ring_ports"][0]["tx"] > 0,
             what="frames into ring:0")
    cli_ok(spp, "nfv 1; stop", "bye sec 1")
    assert spp.processes() == [{"type": "primary"}]


def test_recipe_vf(spp, home):
    playback(spp, home, "vf.rcp",
             "# spp_vf: classifier, forward and merge on rings\n" +
             launch(spp, "vf", 2, "3@0,4@1") +
             "vf 2; component start cls1 4 classifier\n"
             "vf 2; component start fwd1 4 forward\n"
             "vf 2; component start mgr1 4 merge\n"
             "vf 2; port add ring:0 rx cls1\n"
             "vf 2; port add ring:1 tx cls1\n"
             "vf 2; port add ring:2 tx cls1 del_vlantag\n"
             "vf 2; port add ring:3 rx fwd1\n"
             "vf 2; port add ring:4 tx fwd1 add_vlantag 101 3\n"
             "vf 2; port add ring:5 rx mgr1\n"
             "vf 2; port add ring:6 rx mgr1 add_vlantag 102 0\n"
             "vf 2; port add ring:7 tx mgr1\n"
             "vf 2; classifier_table add mac 52:54:00:01:00:01 ring:1\n"
             "vf 2; classifier_table add vlan 101 52:54:00:01:00:02 ring:2\n"
             "vf 2; classifier_table add mac default ring:1\n")
    st = spp.vf_status(2)

    def ports(c, d):
        return [(p["port"], p["vlan"]["operation"], p["vlan"]["id"],
                 p["vlan"]["pcp"]) for p in c[d]]
    comps = {c["name"]: c for c in st["components"]}
    assert set(comps) == {"cls1", "fwd1", "mgr1"}
    assert all(c["core"] == 4 for c in comps.values())
    assert comps["cls1"]["type"] == "classifier"
    assert ports(comps["cls1"], "rx_port") == [("ring:0", "none", 0, 0)]
    assert ports(comps["cls1"], "tx_port") == [("ring:1", "none", 0, 0),
                                               ("ring:2", "del", 0, 0)]
    assert ports(comps["fwd1"], "tx_port") == [("ring:4", "add", 101, 3)]
    assert ports(comps["mgr1"], "rx_port") == [("ring:5", "none", 0, 0),
                                               ("ring:6", "add", 102, 0)]
    assert ports(comps["mgr1"], "tx_port") == [("ring:7", "none", 0, 0)]
    assert [(e["type"], e["value"], e["port"])
            for e in st["classifier_table"]] == [
        ("mac", "52:54:00:01:00:01", "ring:1"),
        ("vlan", "101/52:54:00:01:00:02", "ring:2"),
        ("mac", "default", "ring:1")]


def test_recipe_mirror(spp, home):
    playback(spp, home, "mirror.rcp",
             launch(spp, "mirror", 3, "5@0,6@1") +
             "mirror 3; component start mr1 6 mirror\n"
             "mirror 3; component start mr2 6 mirror shallow\n"
             "mirror 3; port add ring:0 rx mr1\n"
             "mirror 3; port add ring:1 tx mr1\n"
             "mirror 3; port add ring:2 tx mr1\n"
             "mirror 3; port add ring:3 rx mr2\n")
    comps = {c["name"]: c for c in spp.mirror_status(3)["components"]}
    assert comps["mr1"]["type"] == "mirror" and comps["mr1"]["core"] == 6
    assert comps["mr1"]["copy"] == "auto"
    assert comps["mr2"]["copy"] == "shallow"
    assert [p["port"] for p in comps["mr1"]["tx_port"]] == ["ring:1",
                                                           "ring:2"]
    assert [p["port"] for p in comps["mr2"]["rx_port"]] == ["ring:3"]


def test_recipe_pcap(spp, home):
    outdir = os.path.join(home, "captures")
    os.mkdir(outdir)
    playback(spp, home, "pcap.rcp",
             launch(spp, "nfv", 1, "1@0,2@1") +
             launch(spp, "pcap", 4, "7@0,8@1,9@0",
                    "-c ring:0 --out-dir " + outdir) +
             "nfv 1; add nullpmd:0\n"
             "nfv 1; add ring:0\n"
             "nfv 1; patch nullpmd:0 ring:0\n"
             "pcap 4; start\n"
             "nfv 1; forward\n")
    st = spp.pcap_status(4)
    assert st["status"] == "running"
    wait_for(lambda: spp.pcap_status(4)["core"][1]["stats"]["frames"] > 0,
             what="frames captured")
    out = cli_ok(spp, "nfv 1; stop", "pcap 4; stop", "pcap 4; status")
    assert "pcap 4: idle" in out
    files = os.listdir(outdir)
    assert files and all(f.endswith(".pcap.lz4") for f in files), files
    # bye all stops the secondaries, then the primary
    out = cli_ok(spp, "bye all")
    assert "pcap 4: exited" in out and "pri: exited" in out
    assert spp.processes() == []


def test_record_and_playback(spp_nfv, home):
    spp = spp_nfv
    rec = os.path.join(home, "rec.rcp")
    out = cli_ok(spp, "record " + rec, "nfv 1; add ring:0",
                 "nfv 1; add ring:1", "nfv 1; status",
                 "nfv 1; patch ring:0 ring:1", "record")
    assert "recorded 3 commands to " + rec in out
    with open(rec) as f:
        lines = [x for x in f.read().splitlines() if not x.startswith("#")]
    assert lines == ["nfv 1; add ring:0", "nfv 1; add ring:1",
                     "nfv 1; patch ring:0 ring:1"]
    spp.nfv(1, "del ring:0", "del ring:1")
    assert spp.nfv_status(1)["ports"] == []
    cli_ok(spp, "playback " + rec)
    st = spp.nfv_status(1)
    assert st["ports"] == ["ring:0", "ring:1"]
    assert src_dst(st["patches"]) == [{"src": "ring:0", "dst": "ring:1"}]
    # a recipe stops at its first failing line and says where
    bad = os.path.join(home, "bad.rcp")
    with open(bad, "w") as f:
        f.write("nfv 1; add ring:2\n# a comment\nnfv 1; add ring:99999\n"
                "nfv 1; add ring:3\n")
    r = cli(spp, "playback " + bad)
    assert r.returncode == 1
    assert "bad.rcp:3: stopped at 'nfv 1; add ring:99999'" in r.stderr
    assert spp.nfv_status(1)["ports"] == ["ring:0", "ring:1", "ring:2"]
    err = cli_err(spp, "playback /nonexistent.rcp")
    assert "No such file" in err


# -- topo, server, --wait-pri --------------------------------------------------

def test_topo(spp, home):
    spp.start_nfv(1)
    spp.start_vf(2)
    spp.nfv(1, "add ring:0", "add vhost:7", "patch ring:0 vhost:7")
    spp.vf(2, "component start fwd1 4 forward", "port add ring:1 rx fwd1",
           "port add ring:2 tx fwd1 add_vlantag 5 0")
    try:
        out = cli_ok(spp, "topo")
        assert out.startswith("digraph spp {")
        assert '"ring:0" -> "vhost:7" [label="nfv 1"]' in out
        assert '"vhost:7" -> "vm7"' in out
        assert '"vf 2/fwd1" -> "ring:2" [color=blue, label="+vlan 5"]' in out
        dot = os.path.join(home, "t.dot")
        svg = os.path.join(home, "t.svg")
        png = os.path.join(home, "t.png")
        cli_ok(spp, "topo " + dot, "topo " + svg, "topo " + png)
        with open(dot) as f:
            assert f.read() == out
        with open(svg) as f:
            text = f.read()
        assert "<svg" in text and "vf 2/fwd1" in text
        with open(png, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
        err = cli_err(spp, "topo " + os.path.join(home, "t.txt"))
        assert "expected FILE.dot, FILE.svg or FILE.png" in err
    finally:
        spp.nfv(1, "del vhost:7")


def test_servers_and_wait_pri(spp):
    other = Spp("cli_other", start_primary=False)
    try:
        a = "127.0.0.1:%d" % spp.ctl_port
        b = "127.0.0.1:%d" % other.ctl_port
        out = cli_ok(spp, "server", "status", "server 2", "status",
                     "server 1", "server", extra=["-b", b])
        assert out.count("1: %s *" % a) == 2 or \
            ("1: %s *\n2: %s\n" % (a, b)) in out
        assert "switched to server 2: " + b in out
        assert "spp-ctl: %s\nprimary: running" % a in out
        assert "spp-ctl: %s\nprimary: not connected" % b in out
        out = cli_ok(spp, "server add 127.0.0.1:%d" % other.ctl_port,
                     "server", "server del " + b, "server")
        assert "added server 2: " + b in out
        assert out.rstrip().endswith("1: %s *" % a)
        err = cli_err(spp, "server 3")
        assert "no server 3" in err
        err = cli_err(spp, "server del " + a)
        assert "current server" in err
        err = cli_err(spp, "server add 127.0.0.1:%d" % spp.ctl_port)
        assert "already server 1" in err

        # --wait-pri: waits for the primary of the node, then runs
        w = subprocess.Popen([SPP, "-b", b, "--wait-pri", "-c", "status"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        time.sleep(1)
        assert w.poll() is None
        other.start_primary()
        out, err = w.communicate(timeout=30)
        assert w.returncode == 0, err
        assert "primary: running" in out
    finally:
        other.close()
