# SPDX-License-Identifier: BSD-3-Clause
"""spp-ctl against a hostile local client: its log can't be flooded or
forged, and a NUL in a path can't shorten it into another endpoint."""

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
