# SPDX-License-Identifier: BSD-3-Clause
"""spp_pcap with real packets, driven through REST: frames captured into
LZ4-compressed pcap files, decompressed with lz4 and compared frame by
frame; rotation; start/stop/start; capture without consuming; a missing,
read-only or full output directory."""

import glob
import os
import struct
import subprocess
import tempfile
import time

import pytest

from sppenv import PcapPorts, frames, same_frames, sh, wait_for


def read_pcap_ns(path):
    """[(timestamp in ns, frame)] of a nanosecond pcap file, read here
    (a float time would lose the nanoseconds)."""
    from scapy.all import Ether
    data = open(path, "rb").read()
    magic, _, _, _, _, _, link = struct.unpack_from("<IHHiIII", data)
    assert magic == 0xa1b23c4d and link == 1, "not a nanosecond pcap"
    out, off = [], 24
    while off < len(data):
        sec, nsec, caplen, length = struct.unpack_from("<IIII", data, off)
        assert caplen == length
        out.append((sec * 10**9 + nsec, Ether(data[off + 16:
                                                   off + 16 + caplen])))
        off += 16 + caplen
    return out


def captures(out_dir):
    """{file name: [(ns, frame)]} of the complete capture files in out_dir,
    each decompressed with the lz4 tool; tcpdump must read them too."""
    got = {}
    for f in sorted(glob.glob(os.path.join(out_dir, "*.pcap.lz4"))):
        with tempfile.NamedTemporaryFile(suffix=".pcap") as t:
            subprocess.run(["lz4", "-d", "-f", "-q", f, t.name], check=True)
            got[os.path.basename(f)] = read_pcap_ns(t.name)
            r = subprocess.run(["tcpdump", "-nr", t.name], check=True,
                               capture_output=True, text=True)
            assert len(r.stdout.splitlines()) == \
                len(got[os.path.basename(f)]), "tcpdump reads " + f
    return got


def in_time_order(files):
    """The frames of all files in the order of their timestamps (stable:
    a writer's file keeps its order), checking each file's timestamps never
    go back."""
    all_frames = []
    for name, fs in files.items():
        ts = [t for t, _ in fs]
        assert ts == sorted(ts), "%s: timestamps go back" % name
        # spp_pcap.STAMP.PORT.WRITER.SEQ.pcap.lz4: a burst (one timestamp)
        # may go on in the writer's next file
        writer, seq = (int(x) for x in name.split(".")[3:5])
        all_frames += [((t, writer, seq, i), f)
                       for i, (t, f) in enumerate(fs)]
    all_frames.sort(key=lambda x: x[0])
    return [f for _, f in all_frames]


def written(spp, cid):
    return sum(c["stats"]["frames"] for c in spp.pcap_status(cid)["core"]
               if c["role"] == "write")


def play(spp, pcaps, sent, ring=0):
    """nfv 1 plays sent from pcap:81 into ring."""
    pcaps.feed(81, sent)
    spp.nfv(1, "add pcap:81", "add ring:%d" % ring,
            "patch pcap:81 ring:%d" % ring, "forward")


def unplay(spp, ring=0):
    spp.nfv(1, "stop", "patch reset", "del pcap:81", "del ring:%d" % ring)


@pytest.fixture
def outdir(tmp_path):
    d = tmp_path / "cap"
    d.mkdir()
    return str(d)


def test_pcap_capture_rotation_restart(spp, outdir):
    """500 frames captured by two writers and compared one by one (bytes,
    count, order by timestamp); the same with --fsize making many files;
    a second start makes files of its own."""
    spp.start_nfv(1)
    spp.start_pcap(4, ["-c", "ring:0", "--out-dir", outdir, "--fsize",
                       "40000"])
    pcaps = PcapPorts(81)
    try:
        st = spp.pcap_status(4)
        assert st["status"] == "idle"
        assert [c["role"] for c in st["core"]] == ["receive", "write",
                                                   "write"]
        assert st["core"][0]["rx_port"] == [{"port": "ring:0"}]
        assert [w["lcore"] for w in st["workers"]] == [8, 9, 10]
        spp.capture(4, "start")
        assert spp.pcap_status(4)["status"] == "running"
        sent = frames(500, seed=100)
        play(spp, pcaps, sent)
        wait_for(lambda: written(spp, 4) >= 500, timeout=20,
                 what="500 frames written")
        spp.capture(4, "stop")
        unplay(spp)
        assert spp.pcap_status(4)["status"] == "idle"
        assert glob.glob(os.path.join(outdir, "*.tmp")) == []
        files = captures(outdir)
        # rotation at 40000 bytes of pcap: many complete files
        assert len(files) >= 8, sorted(files)
        for name in files:
            assert name.startswith("spp_pcap.") and ".ring0." in name
        same_frames(sent, in_time_order(files))
        st = spp.pcap_status(4)
        writers = [c for c in st["core"] if c["role"] == "write"]
        assert sum(w["stats"]["files"] for w in writers) == len(files)
        assert all(w["stats"]["frames"] > 0 for w in writers), \
            "both writers had frames"
        # receiver and writers each spent cycles on the frames
        assert all(w["busy_cycles"] > 0 for w in st["workers"]), \
            st["workers"]

        # start, stop, start again: separate complete files
        first = set(files)
        more = frames(100, seed=101)
        spp.capture(4, "start")
        play(spp, pcaps, more)
        wait_for(lambda: written(spp, 4) >= 100, timeout=20,
                 what="100 frames written")
        spp.capture(4, "stop")
        unplay(spp)
        files = captures(outdir)
        new = {k: v for k, v in files.items() if k not in first}
        assert new and set(first) <= set(files)
        same_frames(more, in_time_order(new))

        # captures in quick succession (a start and a stop take about a
        # millisecond, so several fall in the same second, which the file
        # names carry): each gets files of its own, none overwrites another
        before = captures(outdir)
        for _ in range(5):
            spp.capture(4, "start")
            spp.capture(4, "stop")
        after = captures(outdir)
        assert {k: after[k] for k in before} == before
        assert len(after) - len(before) == 5 * len(writers)
        time.sleep(0.2)
        assert spp.pri_status()["mbuf_pool"]["in_use"] == 0
    finally:
        pcaps.cleanup()


def test_pcap_pass_to(spp, outdir):
    """--pass-to: frames go on to ring:1 whether or not a capture runs;
    while it runs they are also captured, unchanged."""
    spp.start_nfv(1)
    spp.start_pcap(4, ["-c", "ring:0", "--out-dir", outdir, "--pass-to",
                       "ring:1"])
    pcaps = PcapPorts(81, 82)
    try:
        spp.nfv(1, "add ring:1", "add pcap:82", "patch ring:1 pcap:82")
        a = frames(150, seed=102)
        play(spp, pcaps, a)   # not capturing: passes anyway
        wait_for(lambda: spp.port_stats(spp.nfv_status(1), "pcap:82")
                 ["tx"] >= 150, timeout=20, what="frames passed")
        unplay(spp)
        spp.nfv(1, "patch ring:1 pcap:82")
        spp.capture(4, "start")
        b = frames(200, seed=103)
        play(spp, pcaps, b)
        wait_for(lambda: written(spp, 4) >= 200 and
                 spp.port_stats(spp.nfv_status(1), "pcap:82")["tx"] >= 350,
                 timeout=20, what="200 frames written and passed")
        spp.capture(4, "stop")
        unplay(spp)
        spp.nfv(1, "del pcap:82", "del ring:1")
        same_frames(a + b, pcaps.read(82))
        same_frames(b, in_time_order(captures(outdir)))
        st = spp.pcap_status(4)
        assert st["core"][0]["tx_port"] == [{"port": "ring:1"}]
        time.sleep(0.2)
        assert spp.pri_status()["mbuf_pool"]["in_use"] == 0
    finally:
        pcaps.cleanup()


def test_pcap_output_errors(spp, tmp_path):
    """An out-dir that does not exist or is read-only: start answers 400
    saying so and nothing runs. A disk that fills during a capture: the
    status and stop's answer say so, the files finished before are
    complete and readable, and the process goes on (a new capture into a
    good directory works)."""
    full = tmp_path / "full"
    ro = tmp_path / "ro"
    full.mkdir()
    ro.mkdir()
    sh("mount -t tmpfs -o size=256k spptest %s" % full)
    sh("mount -t tmpfs -o ro spptest %s" % ro)
    spp.start_nfv(1)
    pcaps = PcapPorts(81)
    try:
        spp.start_pcap(4, ["-c", "ring:0", "--out-dir",
                           str(tmp_path / "nowhere")])
        r = spp.capture(4, "start", code=400)
        assert "No such file or directory" in r.text and "nowhere" in r.text
        assert spp.pcap_status(4)["status"] == "idle"
        spp.delete("/pcaps/4")
        wait_for(lambda: not spp.has_process("pcap", 4), what="pcap exit")

        spp.start_pcap(4, ["-c", "ring:0", "--out-dir", str(ro)])
        r = spp.capture(4, "start", code=400)
        assert "Read-only file system" in r.text
        spp.delete("/pcaps/4")
        wait_for(lambda: not spp.has_process("pcap", 4), what="pcap exit")

        spp.start_pcap(4, ["-c", "ring:0", "--out-dir", str(full),
                           "--fsize", "20000"])
        spp.capture(4, "start")
        sent = frames(1000, seed=104, size=(600, 1400))  # ~1 MB, random
        play(spp, pcaps, sent)
        wait_for(lambda: "error" in spp.pcap_status(4), timeout=20,
                 what="the disk full error")
        st = spp.pcap_status(4)
        assert "No space left on device" in st["error"], st
        time.sleep(0.5)
        r = spp.capture(4, "stop", code=400)
        assert "No space left on device" in r.text
        unplay(spp)
        files = captures(str(full))   # every complete file reads back
        assert files, "files finished before the disk was full"
        # frames of complete files: sent ones, unchanged, in order (the
        # writer that hit the full disk lost the file it was writing)
        index = {bytes(f): i for i, f in enumerate(sent)}
        got = [index.get(bytes(f)) for f in in_time_order(files)]
        assert None not in got and got == sorted(set(got)) and got
        # the process goes on: with room again, a new capture works
        assert spp.pcap_status(4)["status"] == "idle"
        for f in glob.glob(os.path.join(str(full), "*")):
            os.unlink(f)
        spp.capture(4, "start")
        again = frames(50, seed=105)
        play(spp, pcaps, again)
        wait_for(lambda: written(spp, 4) >= 50, timeout=20,
                 what="50 frames written")
        spp.capture(4, "stop")
        unplay(spp)
        same_frames(again, in_time_order(captures(str(full))))
        assert "error" not in spp.pcap_status(4)
    finally:
        pcaps.cleanup()
        sh("umount %s" % full, check=False)
        sh("umount %s" % ro, check=False)


def test_pcap_phy_stop_during_flow(tapnode, tmp_path):
    """A phy port (a tap in a namespace) captured while a steady flow
    runs, and stopped in the middle of it: every file is complete, and
    what they hold is the first frames of the flow, in order, unchanged."""
    from scapy.all import wrpcap
    spp = tapnode.spp
    outdir = tmp_path / "cap"
    outdir.mkdir()
    spp.start_pcap(4, ["-c", "phy:0", "--out-dir", str(outdir), "--fsize",
                       "100000"])
    spp.capture(4, "start")
    sent = frames(3000, seed=106, dst="52:54:00:00:04:00", size=(64, 400))
    src = tmp_path / "flow.pcap"
    wrpcap(str(src), sent)
    sender = tapnode.python("flow", src, 2000, wait=False)
    wait_for(lambda: written(spp, 4) >= 500, timeout=20,
             what="500 frames written")
    spp.capture(4, "stop")
    assert sender.poll() is None, "the flow was still running"
    sender.wait(timeout=30)
    assert glob.glob(os.path.join(str(outdir), "*.tmp")) == []
    files = captures(str(outdir))
    assert all(".phy0." in name for name in files)
    # the namespace's kernel may send a frame of its own: only the flow's
    got = [f for f in in_time_order(files) if f.dst == sent[0].dst]
    assert len(got) >= 500
    same_frames(sent[:len(got)], got)
