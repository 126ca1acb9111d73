# SPDX-License-Identifier: BSD-3-Clause
"""Fixtures of the spp-ctl tests: a running spp-ctl and fake processes."""

import pytest

from sppfake import SPP_CTL, FakeProcess, SppCtl


def pytest_configure(config):
    if not SPP_CTL.exists():
        raise pytest.UsageError("%s is not built: run ninja -C build" % SPP_CTL)


def tracked(make, release):
    """A factory that keeps what make() returns, and a finalizer that
    releases all of it."""
    made = []

    def factory(*args, **kw):
        made.append(make(*args, **kw))
        return made[-1]

    def finish():
        for x in made:
            release(x)

    return factory, finish


@pytest.fixture
def ctl_factory():
    """Start spp-ctl instances with extra arguments; all stopped at the end."""
    start, finish = tracked(lambda *args: SppCtl(args), SppCtl.cleanup)
    yield start
    finish()


@pytest.fixture
def ctl(ctl_factory):
    return ctl_factory("--cmd-timeout", "5")


@pytest.fixture
def procs(ctl):
    """Connect fake processes to ctl: procs("nfv", 1, replies=...)."""
    connect, finish = tracked(ctl.process, FakeProcess.close)
    yield connect
    finish()


@pytest.fixture
def primary(procs):
    p = procs("primary")
    assert p.accepted, p.hello_reply
    return p


@pytest.fixture
def nfv(procs):
    p = procs("nfv", 1, master_lcore=1, lcores=[1, 2])
    assert p.accepted, p.hello_reply
    return p
