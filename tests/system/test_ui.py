# SPDX-License-Identifier: BSD-3-Clause
"""The web view of spp-ctl in a real browser (Debian's chromium, headless,
driven by selenium through chromium-driver): the page loads with no console
error and shows the processes and ports of a live node; a patch made
through REST appears without a reload; a flowing patch shows a non-zero
rate that goes to zero after stop; a click shows counters. A screenshot of
the topology is saved in build/test-logs/topology.png."""

import os
import re
import shutil
import tempfile

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import (NoSuchElementException,
                                        StaleElementReferenceException)
from selenium.webdriver.common.by import By

from chain import start_chain
from sppenv import LOGDIR, wait_for

SCREENSHOT = os.path.join(LOGDIR, "topology.png")


class Browser:
    """Headless chromium with a fresh profile; close() quits it and
    removes the profile."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="spp-chromium-")
        opts = webdriver.ChromeOptions()
        opts.binary_location = "/usr/bin/chromium"
        for a in ("--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking",
                  "--disable-component-update", "--disable-sync",
                  "--no-first-run", "--disable-dev-shm-usage",
                  "--user-data-dir=" + self.profile,
                  "--window-size=1600,1000"):
            opts.add_argument(a)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.service = Service("/usr/bin/chromedriver",
                               log_path=os.path.join(LOGDIR,
                                                     "chromedriver.log"))
        self.driver = None
        try:
            self.driver = webdriver.Chrome(service=self.service,
                                           options=opts)
        except BaseException:
            self.close()
            raise

    def errors(self):
        """Console messages of level SEVERE (errors) so far."""
        return [e for e in self.driver.get_log("browser")
                if e["level"] == "SEVERE"]

    def close(self):
        if self.driver is not None:
            self.driver.quit()
        # quit() ends chromium; the driver itself is ended by its pid
        if self.service.process is not None and \
                self.service.process.poll() is None:
            self.service.process.kill()
            self.service.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture
def browser():
    b = Browser()
    yield b
    b.close()


# The page swaps its SVG every second: what is read from it is read in one
# script, never from elements found before.

def texts(driver):
    """The texts of the SVG graph."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#graph svg text'))"
        ".map(t => t.textContent);")


def edge_label(driver, eid):
    """The label of the element with id eid, or None while it is not
    drawn."""
    return driver.execute_script(
        "const e = document.getElementById(arguments[0]);"
        "return e ? Array.from(e.querySelectorAll('text'))"
        ".map(t => t.textContent).join(' ') : null;", eid)


def click(driver, eid):
    """Click the element with id eid; True once done."""
    try:
        driver.find_element(By.ID, eid).click()
        return True
    except (StaleElementReferenceException, NoSuchElementException):
        return False  # swapped meanwhile: again


def detail_rows(driver):
    """{name: value} of the details panel."""
    return driver.execute_script(
        "const o = {};"
        "for (const r of document.querySelectorAll('#details tr'))"
        "  o[r.cells[0].textContent] = r.cells[1].textContent;"
        "return o;")


def rate_of(label):
    """Frames per second of a label "1.23M f/s"; None for "- f/s"."""
    m = re.match(r"([\d.]+)([kMG]?) f/s", label or "")
    if not m:
        return None
    return float(m.group(1)) * {"": 1, "k": 1e3, "M": 1e6,
                                "G": 1e9}[m.group(2)]


def test_topology_page(spp, browser):
    out = tempfile.mkdtemp(prefix="spp-ui-pcap-")
    try:
        run_topology_page(spp, browser, out)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def run_topology_page(spp, browser, out):
    start_chain(spp, "ring:2", out)
    spp.nfv(1, "add nullpmd:0", "add ring:0", "add ring:3", "add nullpmd:1",
            "patch ring:3 nullpmd:1")
    d = browser.driver
    d.get("http://127.0.0.1:%d/" % spp.ctl_port)
    d.execute_script("window.sppNotReloaded = true;")

    def shows(*words):
        t = " ".join(texts(d))
        return all(w in t for w in words)
    wait_for(lambda: shows("primary", "nfv:1", "vf:2", "mirror:3",
                           "pcap:4", "fwd1", "mr1", "nullpmd:0", "ring:0",
                           "ring:3"), timeout=15,
             what="processes and ports on the page")

    # a patch made through REST appears without a reload
    patch = "patch/nfv:1/nullpmd:0/ring:0"
    assert edge_label(d, patch) is None
    spp.nfv(1, "patch nullpmd:0 ring:0")
    wait_for(lambda: edge_label(d, patch) is not None, timeout=10,
             what="the new patch on the page")
    assert d.execute_script("return window.sppNotReloaded === true;")

    # flowing: a non-zero rate, then zero after stop
    spp.nfv(1, "forward")
    spp.capture(4, "start")
    try:
        wait_for(lambda: (rate_of(edge_label(d, patch)) or 0) > 0,
                 timeout=10, what="a non-zero rate on the patch")
        wait_for(lambda: (rate_of(edge_label(
            d, "port/vf:2/ring:1/from/fwd1")) or 0) > 0,
            timeout=10, what="a non-zero rate out of fwd1")
        # a click shows the counters of the component
        wait_for(lambda: click(d, "comp/vf:2/fwd1"), timeout=5,
                 what="a click on fwd1")
        wait_for(lambda: "component fwd1 of vf:2" in d.execute_script(
            "return document.getElementById('details').textContent;"),
            timeout=5, what="the details of fwd1")
        cells = detail_rows(d)
        assert int(cells["rx"]) > 0, cells
        d.save_screenshot(SCREENSHOT)
    finally:
        spp.capture(4, "stop")
        spp.nfv(1, "stop")
    wait_for(lambda: rate_of(edge_label(d, patch)) == 0, timeout=10,
             what="the rate back to zero after stop")
    assert d.execute_script("return window.sppNotReloaded === true;")
    assert browser.errors() == []
