# SPDX-License-Identifier: BSD-3-Clause
"""Run inside a network namespace (ip netns exec NS python3 nsframes.py):
  send IFACE FILE.pcap            send the frames of a pcap file
  flow IFACE FILE.pcap PPS        send them paced at PPS frames per second
  recv IFACE SRC_MAC[,SRC_MAC...] COUNT OUT.pcap [TIMEOUT]
                                  write the first COUNT frames from these
                                  sources; prints "ready" once it listens
"""
import socket
import sys
import time

from scapy.all import conf, rdpcap, sendp, sniff, wrpcap

SO_RCVBUFFORCE = 33
SO_SNDBUFFORCE = 32


def flow(iface, pkts, pps):
    """A steady flow: frames in small batches on a fixed schedule, through
    a raw socket (scapy's sendp is too slow to keep a rate)."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.setsockopt(socket.SOL_SOCKET, SO_SNDBUFFORCE, 4 << 20)
    s.bind((iface, 0))
    raw = [bytes(p) for p in pkts]
    batch = max(1, pps // 1000)
    start = time.monotonic()
    for i in range(0, len(raw), batch):
        delay = start + i / pps - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        for f in raw[i:i + batch]:
            s.send(f)
    s.close()


def main(argv):
    if argv[1] == "send":
        sendp(rdpcap(argv[3]), iface=argv[2], verbose=False)
    elif argv[1] == "flow":
        flow(argv[2], rdpcap(argv[3]), int(argv[4]))
    else:
        iface, count, out = argv[2], int(argv[4]), argv[5]
        srcs = set(argv[3].lower().split(","))
        timeout = float(argv[6]) if len(argv) > 6 else 20
        sock = conf.L2listen(iface=iface)
        # a burst must not overflow the socket while Python is busy
        sock.ins.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20)
        got = sniff(opened_socket=sock, count=count, timeout=timeout,
                    lfilter=lambda p: p.src.lower() in srcs,
                    started_callback=lambda: print("ready", flush=True))
        wrpcap(out, got)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
