# SPDX-License-Identifier: BSD-3-Clause
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sppenv import NetnsPair, Spp  # noqa: E402


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
