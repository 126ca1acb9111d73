# SPDX-License-Identifier: BSD-3-Clause
"""What a scrape of GET /metrics costs: spp-ctl with a primary and seven
nfvs played by tests/ctl/sppfake.py, 200 ports in all (plus 64 rings of the
primary), each answering status at once. Prints the time of the scrapes
(median and worst of N), the size of the exposition, the time of the web
view's topology, and how long a REST command waits when it comes during
scrapes. A measurement, not a test:

    /usr/bin/python3 bench/scrape.py [N]
"""

import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "ctl"))

from sppfake import SppCtl  # noqa: E402

PORTS_PER_NFV = 200 // 7 + 1


def nfv_status(cid, nports):
    ports = ["ring:%d" % i for i in range(nports)]
    return {"client-id": cid, "master-lcore": cid, "lcores": [cid],
            "status": "running", "ports": ports,
            "patches": [{"src": ports[i], "dst": ports[i + 1]}
                        for i in range(0, nports - 1, 2)],
            "port_stats": [{"port": p, "link": "up", "rx": 123456789 + i,
                            "tx": 987654321 + i, "tx_drop": i}
                           for i, p in enumerate(ports)],
            "tsc_hz": 2000000000,
            "workers": [{"lcore": cid + 100, "busy_cycles": 10 ** 12,
                         "idle_cycles": 10 ** 12}]}


def primary_status():
    return {"master-lcore": 0, "lcores": [0],
            "forwarder": {"status": "idling", "ports": [], "patches": [],
                          "port_stats": [], "tsc_hz": 2000000000,
                          "workers": []},
            "phy_ports": [],
            "ring_ports": [{"id": i, "rx": 10 ** 9, "rx_drop": 0,
                            "tx": 10 ** 9, "tx_drop": 5, "count": 3,
                            "capacity": 1023} for i in range(64)],
            "pipes": [],
            "mbuf_pool": {"name": "spp_mbuf_pool", "size": 81920,
                          "available": 80000, "in_use": 1920}}


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    ctl = SppCtl()
    fakes = []
    try:
        fakes.append(ctl.process("primary", replies={
            "status": {"result": "ok", "data": primary_status()}}))
        total = 0
        for cid in range(1, 8):
            k = min(PORTS_PER_NFV, 200 - total)
            total += k
            fakes.append(ctl.process("nfv", cid, replies={
                "status": {"result": "ok", "data": nfv_status(cid, k)}}))
        assert all(f.accepted for f in fakes)
        times, size = [], 0
        for _ in range(n):
            t0 = time.monotonic()
            r = ctl.get("/metrics")
            times.append(time.monotonic() - t0)
            assert r.status_code == 200
            size = len(r.content)
        print("8 processes, %d ports: %d scrapes, median %.1f ms, worst "
              "%.1f ms, %d bytes, %d lines" %
              (total, n, statistics.median(times) * 1000,
               max(times) * 1000, size, r.text.count("\n")))
        times = []
        for _ in range(max(n // 5, 3)):
            t0 = time.monotonic()
            r = ctl.get("/ui/topology")
            times.append(time.monotonic() - t0)
            assert r.status_code == 200
        print("the web view's GET /ui/topology (round, graphviz layout, "
              "SVG): median %.1f ms, worst %.1f ms, %d bytes" %
              (statistics.median(times) * 1000, max(times) * 1000,
               len(r.content)))
        # commands while a client scrapes without pause
        stop = threading.Event()

        def scraper():
            while not stop.is_set():
                ctl.get("/metrics")
        th = threading.Thread(target=scraper)
        th.start()
        waits = []
        for _ in range(n):
            t0 = time.monotonic()
            assert ctl.put("/v1/nfvs/3/forward",
                           {"action": "start"}).status_code == 204
            waits.append(time.monotonic() - t0)
        stop.set()
        th.join()
        print("a command during continuous scrapes: median %.1f ms, worst "
              "%.1f ms" % (statistics.median(waits) * 1000,
                           max(waits) * 1000))
    finally:
        for f in fakes:
            f.close()
        ctl.cleanup()


if __name__ == "__main__":
    main()
