# SPDX-License-Identifier: BSD-3-Clause
"""A node with every kind of process, for the metrics and web view tests:
spp_nfv 1, spp_vf 2 forwarding ring:0 to ring:1 (fwd1), spp_mirror 3
copying ring:1 to ring:2 and ring:3 (mr1), spp_pcap 4 capturing a ring."""

from sppenv import Spp


def start_chain(spp: Spp, captured, out_dir):
    """Start the four secondaries with their components; spp_pcap writes
    its files into out_dir."""
    spp.start_nfv(1)
    spp.start_vf(2)
    spp.start_mirror(3)
    spp.start_pcap(4, ["-c", captured, "--out-dir", out_dir])
    spp.vf(2, "component start fwd1 4 forward", "port add ring:0 rx fwd1",
           "port add ring:1 tx fwd1")
    spp.mirror(3, "component start mr1 6 mirror", "port add ring:1 rx mr1",
               "port add ring:2 tx mr1", "port add ring:3 tx mr1")
