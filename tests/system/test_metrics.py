# SPDX-License-Identifier: BSD-3-Clause
"""GET /metrics of a live node: Prometheus's own parser takes the scrape
with no lint message, the families hold the live processes' counters, and a
real Prometheus server scraping spp-ctl computes the rate of a flowing
patch close to the rate the counters show."""

import os
import shutil
import subprocess
import tempfile
import time

import requests
from prometheus_client.parser import text_string_to_metric_families

from chain import start_chain
from sppenv import LOGDIR, Proc, free_port, wait_for


def scrape(spp):
    r = requests.get("http://127.0.0.1:%d/metrics" % spp.ctl_port,
                     timeout=30)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return r.text


def samples(text):
    return {(s.name, frozenset(s.labels.items())): s.value
            for fam in text_string_to_metric_families(text)
            for s in fam.samples}


def value(s, name, **labels):
    return s[(name, frozenset(labels.items()))]


def test_live_scrape_passes_promtool(spp):
    # spp_pcap stays idle: it writes nothing
    start_chain(spp, "ring:5", LOGDIR)
    spp.nfv(1, "add nullpmd:0", "add ring:0", "patch nullpmd:0 ring:0",
            "forward")
    try:
        wait_for(lambda: spp.mirror_status(3)["components"][0]["stats"]
                 ["rx"] > 0, what="frames through vf and mirror")
        text = scrape(spp)
    finally:
        spp.nfv(1, "stop")
    check = subprocess.run(["promtool", "check", "metrics"], input=text,
                           text=True, capture_output=True)
    assert check.returncode == 0 and check.stdout + check.stderr == "", \
        check.stdout + check.stderr
    s = samples(text)
    for proc in ("primary", "nfv:1", "vf:2", "mirror:3", "pcap:4"):
        assert value(s, "spp_process_up", process=proc) == 1
    assert value(s, "spp_port_tx_packets_total", process="nfv:1",
                 port="ring:0") > 0
    assert value(s, "spp_ring_enqueued_packets_total", ring="ring:0") > 0
    assert value(s, "spp_ring_capacity_packets", ring="ring:0") == 1023
    assert value(s, "spp_component_rx_packets_total", process="vf:2",
                 component="fwd1", type="forward", lcore="4") > 0
    assert value(s, "spp_component_tx_packets_total", process="mirror:3",
                 component="mr1", type="mirror", lcore="6") > 0
    assert value(s, "spp_worker_busy_seconds_total", process="nfv:1",
                 lcore="2") > 0
    assert value(s, "spp_pcap_capturing", process="pcap:4") == 0
    assert value(s, "spp_pcap_written_packets_total", process="pcap:4",
                 lcore="9") == 0
    assert value(s, "spp_mbuf_pool_in_use_mbufs",
                 pool="spp_mbuf_pool") > 0
    pid = spp.procs[-1].p.pid  # spp_pcap, started by the harness
    assert value(s, "spp_process_info", process="pcap:4", type="pcap",
                 client_id="4", pid=str(pid)) == 1
    start = value(s, "spp_process_start_time_seconds", process="pcap:4")
    assert time.time() - 120 < start <= time.time()


class Prometheus:
    """Debian's prometheus on a private port and data directory, scraping
    one target every second. close() stops it by pid and removes the
    directory."""

    def __init__(self, target):
        self.dir = tempfile.mkdtemp(prefix="spp-prometheus-")
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        cfg = os.path.join(self.dir, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n"
                    "scrape_configs:\n  - job_name: spp\n"
                    "    static_configs:\n"
                    "      - targets: ['%s']\n" % target)
        self.proc = None
        try:
            self.proc = Proc("prometheus", [
                "prometheus", "--config.file=" + cfg,
                "--storage.tsdb.path=" + os.path.join(self.dir, "data"),
                "--web.listen-address=127.0.0.1:%d" % self.port,
                "--log.level=warn"])
            wait_for(self.ready, timeout=30, what="prometheus ready")
        except BaseException:
            self.close()
            raise

    def ready(self):
        assert self.proc.alive(), self.proc.output()
        try:
            return requests.get(self.base + "/-/ready",
                                timeout=1).status_code == 200
        except requests.ConnectionError:
            return False

    def query(self, q, at):
        r = requests.get(self.base + "/api/v1/query",
                         params={"query": q, "time": "%.3f" % at},
                         timeout=10)
        assert r.status_code == 200, r.text
        return r.json()["data"]["result"]

    def close(self):
        if self.proc is not None:
            self.proc.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def test_prometheus_rate_of_a_flowing_patch(spp):
    spp.start_nfv(1)
    spp.nfv(1, "add nullpmd:0", "add nullpmd:1",
            "patch nullpmd:0 nullpmd:1")
    prom = Prometheus("127.0.0.1:%d" % spp.ctl_port)
    metric = 'spp_port_tx_packets_total{process="nfv:1",port="nullpmd:1"}'

    def tx():
        return spp.port_stats(spp.nfv_status(1), "nullpmd:1")["tx"]
    try:
        wait_for(lambda: prom.query("up", time.time()), timeout=10,
                 what="a first scrape")
        spp.nfv(1, "forward")
        time.sleep(1)
        t1, c1 = time.time(), tx()
        time.sleep(6)
        t2, c2 = time.time(), tx()
        spp.nfv(1, "stop")
        expected = (c2 - c1) / (t2 - t1)
        assert expected > 1000, expected
        # the window [t1, t2] as Prometheus sees it, once it scraped past t2
        wait_for(lambda: prom.query("timestamp(%s) > %.3f" % (metric, t2),
                                    time.time()),
                 timeout=10, what="a scrape after t2")
        res = prom.query("rate(%s[%ds])" % (metric, round(t2 - t1)), t2)
        assert len(res) == 1, res
        got = float(res[0]["value"][1])
        assert 0.75 * expected < got < 1.25 * expected, (got, expected)
        up = prom.query('up{job="spp"}', t2)
        assert float(up[0]["value"][1]) == 1
    finally:
        prom.close()
