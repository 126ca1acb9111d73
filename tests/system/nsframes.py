# SPDX-License-Identifier: BSD-3-Clause
"""Run inside a network namespace (ip netns exec NS python3 nsframes.py):
  send IFACE FILE.pcap            send the frames of a pcap file
  recv IFACE SRC_MAC COUNT OUT.pcap [TIMEOUT]
                                  write the first COUNT frames from SRC_MAC;
                                  prints "ready" once it listens
"""
import sys

import socket

from scapy.all import conf, rdpcap, sendp, sniff, wrpcap

SO_RCVBUFFORCE = 33


def main(argv):
    if argv[1] == "send":
        sendp(rdpcap(argv[3]), iface=argv[2], verbose=False)
    else:
        iface, src, count, out = argv[2], argv[3].lower(), int(argv[4]), \
            argv[5]
        timeout = float(argv[6]) if len(argv) > 6 else 20
        sock = conf.L2listen(iface=iface)
        # a burst must not overflow the socket while Python is busy
        sock.ins.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20)
        got = sniff(opened_socket=sock, count=count, timeout=timeout,
                    lfilter=lambda p: p.src.lower() == src,
                    started_callback=lambda: print("ready", flush=True))
        wrpcap(out, got)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
