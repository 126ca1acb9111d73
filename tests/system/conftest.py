# SPDX-License-Identifier: BSD-3-Clause
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sppenv import NetnsPair, Spp, TapNode  # noqa: E402


@pytest.fixture
def spp(request):
    """spp-ctl and a primary with 8 rings and no phy port."""
    s = Spp(request.node.name[:20].replace("[", "_").replace("]", ""))
    yield s
    s.close()


@pytest.fixture
def spp_nfv(spp):
    """spp plus spp_nfv 1 on lcores 1 and 2."""
    spp.start_nfv(1)
    return spp


@pytest.fixture
def netns():
    n = NetnsPair("t%d" % (os.getpid() % 1000))
    yield n
    n.close()


@pytest.fixture
def tapnode(request):
    """spp-ctl and a primary whose phy:0 is a tap in a namespace."""
    n = TapNode(request.node.name[5:15].replace("[", "_").replace("]", ""))
    yield n
    n.close()
