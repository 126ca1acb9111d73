# SPDX-License-Identifier: BSD-3-Clause
"""The benchmark's judging (bench/sppbench/judging.py) and its table
(report.py), on made-up figures, no process started: which ratios are
judged against their targets and which are not comparable (core-to-core
modes that differ, a CPU the host slowed, windows that vary), and which
round of contenders is kept."""

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


@pytest.fixture
def R():
    """The benchmark's judging (bench/sppbench/judging.py), with the
    settings put back afterwards."""
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    from sppbench import judging
    saved = vars(judging.CFG).copy()
    judging.CFG.speed_base = 2.8
    yield judging
    vars(judging.CFG).update(saved)


def fig(who, mpps, mode="near", speed=(2.8, 2.8), windows=None):
    """A contender's figure as run_contender() returns it."""
    return {"who": who, "mpps": mpps, "cyc_pkt": 2600 / mpps,
            "windows_mpps": list(windows or (mpps, mpps, mpps)),
            "xcore": {"mode": mode, "ns_before": 50, "ns_after": 50},
            "cpu_speed": {"before": speed[0], "after": speed[1]}}


def test_steady_figures_are_judged(R):
    r = R.row("1 x", "", fig("spp", 100), [fig("tpmd", 98), fig("ovs", 30)],
              targets={"tpmd": 0.95, "ovs": 4.0})
    assert r["ratios"] == {"tpmd": pytest.approx(1.02, abs=0.01),
                           "ovs": pytest.approx(3.333, abs=0.001)}
    assert r["met"] == {"tpmd": True, "ovs": False}
    assert r["not_comparable"] == []


def test_cross_core_modes_that_differ_are_not_judged(R):
    r = R.row("3 x", "", fig("spp", 16, "near"),
              [fig("tpmd", 14, "near"), fig("ovs", 8, "far")],
              targets={"tpmd": 0.95, "ovs": 2.0}, cross_core=True)
    assert r["met"] == {"tpmd": True}
    assert r["not_comparable"] == ["ovs"]
    assert r["not_comparable_why"]["ovs"] == "modes differ or changed"
    # a mode that changed during the figure compares with nothing
    r = R.row("3 x", "", fig("spp", 16, "near->far"),
              [fig("tpmd", 14, "near->far")], targets={"tpmd": 0.95},
              cross_core=True)
    assert r["met"] == {} and r["not_comparable"] == ["tpmd"]
    # single-core figures do not depend on the mode
    r = R.row("1 x", "", fig("spp", 100, "near"), [fig("tpmd", 98, "far")],
              targets={"tpmd": 0.95})
    assert r["met"] == {"tpmd": True}


def test_a_slowed_cpu_makes_a_ratio_not_comparable(R):
    # the anchor's probe after its figure took 1.3x the run's fastest
    r = R.row("1 x", "", fig("spp", 100),
              [fig("tpmd", 65, speed=(2.8, 3.64))], targets={"tpmd": 0.95})
    assert r["met"] == {}
    assert r["not_comparable_why"]["tpmd"] == "tpmd: CPU slowed 1.30x"
    # up to the threshold (1.10x) it is the probe's own noise
    r = R.row("1 x", "", fig("spp", 100),
              [fig("tpmd", 98, speed=(2.8, 3.05))], targets={"tpmd": 0.95})
    assert r["met"] == {"tpmd": True}
    # no probe (a worker shared the CPU with it): judged on its windows
    nop = fig("spp", 100, speed=(None, None))
    assert R.slowdown(nop) is None and R.disturbed(nop) is None


def test_windows_that_vary_make_a_ratio_not_comparable(R):
    ours = fig("spp", 104, windows=(104, 98, 109))
    assert R.disturbed(ours) == "windows vary by 11%"
    r = R.row("1 x", "", ours, [fig("tpmd", 98)], targets={"tpmd": 0.95})
    assert r["met"] == {}
    assert r["not_comparable_why"]["tpmd"] == "spp: windows vary by 11%"
    assert R.disturbed(fig("spp", 104, windows=(104, 100, 109))) is None


def test_the_table_says_why(R):
    rows = [R.row("1 x", "", fig("spp", 100),
                  [fig("tpmd", 65, speed=(3.64, 2.8))],
                  targets={"tpmd": 0.95})]
    from sppbench import report
    text = report.table(rows, {})
    assert "(tpmd: CPU slowed 1.30x: not comparable)" in text
    assert "tpmd CPU slowed 1.30x |" in text
    assert "met" not in text


def fake_rounds(R, monkeypatch, figures):
    """run_contender() handing out the made-up figures in order."""
    seq = iter(figures)
    calls = []

    def run_contender(who, fn, speed=True):
        calls.append((who, speed))
        return dict(next(seq), who=who)
    monkeypatch.setattr(R, "run_contender", run_contender)
    return calls


def test_rounds_stop_at_the_first_that_compares(R, monkeypatch):
    R.CFG.rounds = 3
    calls = fake_rounds(R, monkeypatch, [
        fig("", 100), fig("", 60, speed=(4.0, 2.8)),   # slowed
        fig("", 101), fig("", 99),                     # compares
        fig("", 1), fig("", 1)])
    keep = R.comparable_rounds([("spp", None), ("tpmd", None)],
                              cross_core=False)
    assert [k["mpps"] for k in keep] == [101, 99]
    assert len(calls) == 4
    assert [x["mpps"] for x in keep[1]["rounds"]] == [60, 99]
    assert keep[1]["rounds"][0]["disturbed"] == "CPU slowed 1.43x"


def test_rounds_keep_the_last_clean_one_when_modes_never_agree(R, monkeypatch):
    R.CFG.rounds = 3
    fake_rounds(R, monkeypatch, [
        fig("", 16, "near"), fig("", 8, "far"),
        fig("", 15, "far"), fig("", 9, "near->far"),
        fig("", 17, "near"), fig("", 9, "very-far")])
    keep = R.comparable_rounds([("spp", None), ("ovs", None)])
    # rounds 1 and 3 are clean figure by figure; the last of them is kept
    assert [k["mpps"] for k in keep] == [17, 9]
    assert [x["mode"] for x in keep[0]["rounds"]] == ["near", "far", "near"]


def test_rounds_wait_for_the_wanted_mode(R, monkeypatch):
    R.CFG.rounds = 3
    calls = fake_rounds(R, monkeypatch, [fig("", 30, "far"),
                                         fig("", 31, "near"),
                                         fig("", 32, "near")])
    keep, = R.comparable_rounds([("vf", None)], want="near", speed=False)
    assert keep["mpps"] == 31 and len(calls) == 2
    assert calls == [("vf", False), ("vf", False)]
