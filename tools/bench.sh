#!/usr/bin/env bash
# The benchmark command: SPP against dpdk-testpmd and OVS-DPDK on the same
# kind of ports, one forwarding lcore, back to back; prints a table and
# writes JSON (build/bench.json). See BENCHMARKS.md.
#   tools/bench.sh [--quick] [--only SCENARIO[,SCENARIO]] [--json FILE]
#                  [--md BENCHMARKS.md] [--cpus MAIN,FWD]
#                  [--lat-paths rings1,vf,rings2,vhost,pvp] [--lat-rounds N]
# Sets the machine up first (tools/setup.sh: packages, hugepages, build)
# and installs Debian's openvswitch-switch-dpdk if it is missing (the OVS
# anchor; without it the OVS columns say so). Every process it starts is
# stopped at the end, pass or fail.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh
if [ ! -x /usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk ]; then
	echo "bench: installing openvswitch-switch-dpdk (the OVS-DPDK anchor)"
	apt-get update -qq || true
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		openvswitch-switch-dpdk >/dev/null ||
		echo "bench: warning: no OVS-DPDK, its columns will be errors"
fi
exec /usr/bin/python3 bench/run.py "$@"
