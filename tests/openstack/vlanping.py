# SPDX-License-Identifier: BSD-3-Clause
"""Run in a namespace: send COUNT ICMP echo requests to DST_MAC/DST_IP on
IFACE, tagged with VLAN (or untagged with "none"), and print as JSON how
many echo replies came back with that tag, and untagged.
  vlanping.py IFACE DST_MAC DST_IP SRC_IP VLAN|none COUNT"""
import json
import sys
import time

from scapy.all import (AsyncSniffer, Dot1Q, Ether, ICMP, IP, Raw,
                       get_if_hwaddr, sendp)


def main(argv):
    iface, mac, dst, src, vlan, count = argv[1:7]
    me = get_if_hwaddr(iface)
    replies = {'tagged': 0, 'untagged': 0, 'other_tag': 0}

    def seen(p):
        if ICMP not in p or p[ICMP].type != 0 or p.src.lower() != \
                mac.lower():
            return
        if Dot1Q in p:
            replies['tagged' if vlan != 'none' and p[Dot1Q].vlan ==
                    int(vlan) else 'other_tag'] += 1
        else:
            replies['untagged'] += 1
    sniffer = AsyncSniffer(iface=iface, prn=seen, store=False)
    sniffer.start()
    time.sleep(0.5)
    for i in range(int(count)):
        f = Ether(src=me, dst=mac)
        if vlan != 'none':
            f = f / Dot1Q(vlan=int(vlan))
        f = f / IP(src=src, dst=dst) / ICMP(id=7, seq=i) / Raw(b'x' * 56)
        sendp(f, iface=iface, verbose=False)
        time.sleep(0.1)
    time.sleep(1.0)
    sniffer.stop()
    print(json.dumps(replies))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
