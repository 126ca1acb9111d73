# SPDX-License-Identifier: BSD-3-Clause
"""GET /metrics against fake processes: the exposition parses (promtool and
the Prometheus Python client), every counter of the statuses lands in its
family with its labels, a process that does not answer is down, and the
status round is one command to each process, in parallel, shared by the
scrapes that come while it runs."""

import os
import subprocess
import threading
import time

from prometheus_client.parser import text_string_to_metric_families

PRIMARY = {
    "master-lcore": 0, "lcores": [0],
    "forwarder": {"status": "idling", "ports": [], "patches": [],
                  "port_stats": [], "tsc_hz": 2000000000, "workers": []},
    "phy_ports": [{"id": 0, "eth": "02:00:00:00:00:01", "rx": 11, "tx": 12,
                   "tx_drop": 13, "nof_queues": {"rx": 1, "tx": 1},
                   "flow": []}],
    "ring_ports": [{"id": 0, "rx": 100, "rx_drop": 0, "tx": 150,
                    "tx_drop": 7, "count": 50, "capacity": 1023}],
    "pipes": [{"id": 0, "rx": 1, "tx": 2, "stats": {"rx": 5, "tx": 6}}],
    "mbuf_pool": {"name": "spp_mbuf_pool", "size": 24576,
                  "available": 24000, "in_use": 576},
}

NFV = {
    "client-id": 1, "master-lcore": 1, "lcores": [1, 2],
    "status": "running", "ports": ["ring:0", "phy:0 nq 1"],
    "patches": [{"src": "phy:0 nq 1", "dst": "ring:0"}],
    "port_stats": [
        {"port": "ring:0", "link": "up", "rx": 0, "tx": 150,
         "tx_drop": 7},
        {"port": "phy:0 nq 1", "link": "down", "rx": 157, "tx": 0,
         "tx_drop": 0}],
    "tsc_hz": 2000000000,
    "workers": [{"lcore": 2, "busy_cycles": 3000000000,
                 "idle_cycles": 1000000000, "naps": 40, "woken": 3}],
}

VF = {
    "client-id": 2, "master-lcore": 3, "lcores": [3, 4],
    "ports": ["ring:0"],
    "components": [{"core": 4, "name": "fwd1", "type": "forward",
                    "rx_port": [], "tx_port": [],
                    "stats": {"rx": 21, "tx": 20, "drop": 1}}],
    "port_stats": [{"port": "ring:0", "link": "up", "rx": 21, "tx": 0,
                    "tx_drop": 0}],
    "tsc_hz": 2000000000, "workers": [], "classifier_table": [],
}

PCAP = {
    "client-id": 4, "master-lcore": 7, "lcores": [7, 8, 9],
    "status": "running",
    "core": [{"core": 8, "role": "receive",
              "rx_port": [{"port": "ring:1"}],
              "stats": {"rx": 31, "drop": 2, "passed": 0}},
             {"core": 9, "role": "write", "filename": "/tmp/x.pcap.lz4",
              "stats": {"frames": 29, "bytes": 4096, "files": 3,
                        "drop": 0}}],
    "tsc_hz": 2000000000, "workers": [],
}


def status(data):
    return {"status": {"result": "ok", "data": data}}


def scrape(ctl):
    r = ctl.get("/metrics")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith(
        "text/plain; version=0.0.4")
    return r.text


def samples(text):
    """{(name, frozenset of labels): value} of an exposition."""
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def value(smp, name, **labels):
    return smp[(name, frozenset(labels.items()))]


def promtool(text):
    return subprocess.run(["promtool", "check", "metrics"], input=text,
                          text=True, capture_output=True)


def test_every_counter_in_its_family(ctl, procs):
    procs("primary", replies=status(PRIMARY))
    procs("nfv", 1, replies=status(NFV))
    procs("vf", 2, replies=status(VF))
    procs("pcap", 4, replies=status(PCAP))
    text = scrape(ctl)
    check = promtool(text)
    # promtool prints lint problems and exits 1 on any
    assert check.returncode == 0 and check.stdout + check.stderr == "", \
        check.stdout + check.stderr
    s = samples(text)
    p = {"process": "nfv:1", "port": "ring:0"}
    assert value(s, "spp_port_tx_packets_total", **p) == 150
    assert value(s, "spp_port_tx_dropped_packets_total", **p) == 7
    assert value(s, "spp_port_up", **p) == 1
    q = {"process": "nfv:1", "port": "phy:0 nq 1"}
    assert value(s, "spp_port_rx_packets_total", **q) == 157
    assert value(s, "spp_port_up", **q) == 0
    assert value(s, "spp_forwarder_running", process="nfv:1") == 1
    assert value(s, "spp_forwarder_running", process="primary") == 0
    assert value(s, "spp_worker_busy_seconds_total", process="nfv:1",
                 lcore="2") == 1.5
    assert value(s, "spp_worker_idle_seconds_total", process="nfv:1",
                 lcore="2") == 0.5
    assert value(s, "spp_worker_naps_total", process="nfv:1",
                 lcore="2") == 40
    assert value(s, "spp_worker_naps_woken_total", process="nfv:1",
                 lcore="2") == 3
    assert value(s, "spp_phy_tx_dropped_packets_total", port="phy:0") == 13
    assert value(s, "spp_ring_enqueued_packets_total", ring="ring:0") == 150
    assert value(s, "spp_ring_dequeued_packets_total", ring="ring:0") == 100
    assert value(s, "spp_ring_dropped_packets_total", ring="ring:0") == 7
    assert value(s, "spp_ring_packets", ring="ring:0") == 50
    assert value(s, "spp_ring_capacity_packets", ring="ring:0") == 1023
    assert value(s, "spp_pipe_tx_packets_total", pipe="pipe:0") == 6
    c = {"process": "vf:2", "component": "fwd1", "type": "forward",
         "lcore": "4"}
    assert value(s, "spp_component_rx_packets_total", **c) == 21
    assert value(s, "spp_component_dropped_packets_total", **c) == 1
    assert value(s, "spp_pcap_capturing", process="pcap:4") == 1
    assert value(s, "spp_pcap_receive_dropped_packets_total",
                 process="pcap:4", lcore="8") == 2
    assert value(s, "spp_pcap_written_bytes_total", process="pcap:4",
                 lcore="9") == 4096
    assert value(s, "spp_pcap_files_total", process="pcap:4",
                 lcore="9") == 3
    assert value(s, "spp_mbuf_pool_in_use_mbufs", pool="spp_mbuf_pool") \
        == 576
    assert value(s, "spp_mbuf_pool_size_mbufs", pool="spp_mbuf_pool") \
        == 24576
    for proc in ("primary", "nfv:1", "vf:2", "pcap:4"):
        assert value(s, "spp_process_up", process=proc) == 1
        start = value(s, "spp_process_start_time_seconds", process=proc)
        # the fakes are this test process, started before the test
        assert time.time() - 3600 * 24 < start < time.time()
    assert value(s, "spp_process_info", process="nfv:1", type="nfv",
                 client_id="1", pid=str(os.getpid())) == 1


def test_process_that_refuses_is_down(ctl, procs):
    procs("nfv", 1, replies={"status": {"result": "error", "code": 500,
                                        "message": "broken"}})
    procs("nfv", 2, replies=status(NFV))
    s = samples(scrape(ctl))
    assert value(s, "spp_process_up", process="nfv:1") == 0
    assert value(s, "spp_process_up", process="nfv:2") == 1
    assert ("spp_port_rx_packets_total",
            frozenset({"process": "nfv:1", "port": "ring:0"}.items())) \
        not in s


def test_requests_and_command_durations(ctl, procs):
    nfv = procs("nfv", 1, replies=status(NFV), delay=0.02)
    assert ctl.get("/v1/bogus").status_code == 404
    assert ctl.get("/v1/nfvs/1").status_code == 200
    s = samples(scrape(ctl))
    assert value(s, "spp_ctl_http_requests_total", code="404") == 1
    assert value(s, "spp_ctl_http_requests_total", code="200") == 1
    # the REST status and the scrape's own: two, each 20 ms or more
    assert value(s, "spp_ctl_command_duration_seconds_count",
                 type="nfv") == 2
    assert value(s, "spp_ctl_command_duration_seconds_sum",
                 type="nfv") >= 0.04
    assert value(s, "spp_ctl_command_duration_seconds_bucket", type="nfv",
                 le="0.01") == 0
    assert value(s, "spp_ctl_command_duration_seconds_bucket", type="nfv",
                 le="+Inf") == 2
    assert nfv.commands == ["status", "status"]
    s = samples(scrape(ctl))
    assert value(s, "spp_ctl_http_requests_total", code="200") == 2


def test_round_is_parallel(ctl, procs):
    """Eight processes taking 0.5 s each: one round takes about 0.5 s,
    not 4 s."""
    for i in range(1, 9):
        procs("nfv", i, replies=status(NFV), delay=0.5)
    t0 = time.monotonic()
    s = samples(scrape(ctl))
    took = time.monotonic() - t0
    assert 0.5 <= took < 2.0, took
    assert sum(v for (n, _), v in s.items() if n == "spp_process_up") == 8
    assert 0.5 <= value(s, "spp_ctl_scrape_duration_seconds") < 2.0


def test_scrapes_share_a_round(ctl, procs):
    """Scrapes that come while a round runs take its answers: each
    process gets one status for three scrapes."""
    fakes = [procs("nfv", i, replies=status(NFV), delay=0.6)
             for i in (1, 2)]
    texts = []

    def one():
        texts.append(scrape(ctl))
    threads = [threading.Thread(target=one) for _ in range(3)]
    for t in threads:
        t.start()
        time.sleep(0.05)
    for t in threads:
        t.join(10)
    assert len(texts) == 3
    for f in fakes:
        assert f.commands == ["status"]


def test_no_process(ctl):
    text = scrape(ctl)
    check = promtool(text)
    assert check.returncode == 0 and check.stdout + check.stderr == "", \
        check.stdout + check.stderr
    s = samples(text)
    assert not [k for k in s if k[0] == "spp_process_up"]


def test_hung_process_delays_a_scrape_by_the_timeout_only(ctl_factory):
    """A process that never answers holds a scrape for --cmd-timeout, and
    is then down in it (and dropped, as for any command); the others are
    up."""
    from sppfake import FakeProcess
    ctl = ctl_factory("--cmd-timeout", "1")
    fakes = [ctl.process("nfv", 1, replies={"status": FakeProcess.NO_REPLY}),
             ctl.process("nfv", 2, replies=status(NFV))]
    try:
        t0 = time.monotonic()
        s = samples(scrape(ctl))
        took = time.monotonic() - t0
        assert 1.0 <= took < 2.5, took
        assert value(s, "spp_process_up", process="nfv:1") == 0
        assert value(s, "spp_process_up", process="nfv:2") == 1
        s = samples(scrape(ctl))
        assert ("spp_process_up",
                frozenset({"process": "nfv:1"}.items())) not in s
    finally:
        for f in fakes:
            f.close()


def test_token_guards_metrics_and_the_view(ctl_factory, tmp_path):
    """/metrics and the web view have the REST API's exposure: with
    --token-file, a request without the token gets 401 and no process is
    asked anything."""
    tok = tmp_path / "token"
    tok.write_text("s3cr3t-token\n")
    ctl = ctl_factory("--token-file", str(tok))
    nfv = ctl.process("nfv", 1, replies=status(NFV))
    try:
        for path in ("/metrics", "/ui/topology", "/", "/ui/app.js"):
            assert ctl.get(path).status_code == 401, path
        assert nfv.commands == []
        r = ctl.get("/metrics",
                    headers={"Authorization": "Bearer s3cr3t-token"})
        assert r.status_code == 200
        assert value(samples(r.text), "spp_process_up", process="nfv:1") \
            == 1
    finally:
        nfv.close()
