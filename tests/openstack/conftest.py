# SPDX-License-Identifier: BSD-3-Clause
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "networking-spp"))
sys.path.insert(0, HERE)

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def stack():
    """etcd, RabbitMQ, MariaDB, neutron-server (ML2 spp, noauth)."""
    from osstack import Stack
    s = Stack()
    print("OpenStack stack up in %.1f s" % s.startup_s)
    yield s
    s.close()


@pytest.fixture(scope="module")
def node(stack):
    """A compute node: spp-ctl, spp_primary (phy:0 a veth into namespace
    ostk-ext), spp_vf 1 --vhost-client, the SPP agent."""
    from ostknode import Node
    n = Node(stack)
    yield n
    n.close()
