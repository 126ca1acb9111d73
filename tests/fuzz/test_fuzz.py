# SPDX-License-Identifier: BSD-3-Clause
"""libFuzzer targets (tests/fuzz/fuzz_*.c, built by tools/setup.sh in
build-fuzz with clang, ASan and UBSan): every parser that takes outside
bytes is fuzzed for a bounded time from its seed corpus, and every input
that once crashed one (tests/fuzz/regress/TARGET/) is replayed."""

import glob
import os
import subprocess
import tempfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
FUZZ_BIN = os.path.join(ROOT, "build-fuzz", "tests", "fuzz")
HERE = os.path.dirname(os.path.abspath(__file__))
SECONDS = int(os.environ.get("SPP_FUZZ_SECONDS", "30"))
TARGETS = ["cmd", "res", "opts", "frame", "rest", "hello"]


def binary(target):
    path = os.path.join(FUZZ_BIN, "fuzz_" + target)
    if not os.path.exists(path):
        raise pytest.UsageError("%s is not built: run tools/setup.sh" % path)
    return path


@pytest.mark.parametrize("target", TARGETS)
def test_fuzz(target):
    seeds = os.path.join(HERE, "corpus", target)
    assert os.listdir(seeds), "no seed corpus for " + target
    with tempfile.TemporaryDirectory(prefix="spp-fuzz-") as work:
        r = subprocess.run(
            [binary(target), "-max_total_time=%d" % SECONDS, "-timeout=10",
             "-rss_limit_mb=1024", "-print_final_stats=1",
             "-artifact_prefix=%s/" % work, work, seeds],
            capture_output=True, text=True, timeout=SECONDS + 120)
        crashes = glob.glob(os.path.join(work, "crash-*")) + \
            glob.glob(os.path.join(work, "leak-*")) + \
            glob.glob(os.path.join(work, "timeout-*"))
        if crashes:
            # keep what crashed, for a regression test
            keep = os.path.join(ROOT, "build", "fuzz-crashes", target)
            os.makedirs(keep, exist_ok=True)
            for c in crashes:
                os.replace(c, os.path.join(keep, os.path.basename(c)))
        assert r.returncode == 0 and not crashes, r.stderr[-4000:]
        runs = [line for line in r.stderr.splitlines()
                if "stat::number_of_executed_units" in line]
        assert runs and int(runs[0].split()[-1]) > 1000, r.stderr[-2000:]


@pytest.mark.parametrize("target", TARGETS)
def test_replay(target):
    """The seeds, and every input that once crashed a target
    (tests/fuzz/regress/TARGET/), run once each: a deterministic check."""
    inputs = sorted(glob.glob(os.path.join(HERE, "corpus", target, "*")) +
                    glob.glob(os.path.join(HERE, "regress", target, "*")))
    assert inputs
    r = subprocess.run([binary(target)] + inputs, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-4000:]
    assert "Executed %s" % inputs[-1] in r.stderr
