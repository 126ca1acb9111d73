#!/usr/bin/env bash
# Bring up a working patch panel on this machine:
#   spp-ctl (REST on 127.0.0.1:7777), spp_primary with two phy ports, and
#   spp_nfv 1 started through the REST launch endpoint; two network
#   namespaces spp-ns1 (10.99.0.1) and spp-ns2 (10.99.0.2), each holding a
#   tap device of the primary (phy:0, phy:1: the port type with the lowest
#   latency here), patched phy:0 <-> phy:1 by spp_nfv 1.
#   Then: ip netns exec spp-ns1 ping 10.99.0.2
#
#   tools/run.sh [start]   set up (idempotent) and start
#   tools/run.sh stop      stop every process, remove namespaces and taps
#   tools/run.sh status    show the processes and the nfv's patches
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN=$ROOT/build/src
RUN=/tmp/spp/run
LOG=/tmp/spp/log
PREFIX=spp
API=http://127.0.0.1:7777/v1
NS=(spp-ns1 spp-ns2)
TAP=(spp-t1 spp-t2)
# the veths of an older run.sh, removed by stop
VETH=(spp-v1 spp-v2)
ADDR=(10.99.0.1 10.99.0.2)

log() { echo "spp: $*"; }
api() { # METHOD PATH [BODY]
	curl -sS -f -X "$1" "$API$2" ${3:+-H 'Content-Type: application/json' -d "$3"}
}
wait_proc() { # JSON fragment of /v1/processes
	for _ in $(seq 1 100); do
		curl -s "$API/processes" 2>/dev/null | grep -q "$1" && return 0
		sleep 0.2
	done
	log "timed out waiting for $1 in /v1/processes"; return 1
}

stop() {
	if curl -s -o /dev/null "$API/processes" 2>/dev/null; then
		curl -s -X DELETE "$API/nfvs/1" >/dev/null 2>&1 || true
		sleep 0.5
		curl -s -X DELETE "$API/primary" >/dev/null 2>&1 || true
		sleep 1
	fi
	for p in spp_nfv spp_primary; do
		pkill -f -- "$BIN/$p .*--file-prefix[= ]$PREFIX( |$)" 2>/dev/null || true
	done
	[ -f $RUN/spp-ctl.pid ] && kill "$(cat $RUN/spp-ctl.pid)" 2>/dev/null || true
	rm -f $RUN/*.pid
	for i in 0 1; do
		ip netns del "${NS[$i]}" 2>/dev/null || true
		ip link del "${TAP[$i]}" 2>/dev/null || true
		ip link del "${VETH[$i]}" 2>/dev/null || true
	done
	rm -f /dev/hugepages/${PREFIX}map_* 2>/dev/null || true
	rm -rf /var/run/dpdk/$PREFIX
	log "stopped"
}

start() {
	bash tools/setup.sh
	stop >/dev/null
	mkdir -p $RUN $LOG
	# a record of its own, fresh: this script builds the topology itself
	rm -rf $RUN/state
	"$BIN/ctl/spp-ctl" -b 127.0.0.1 --state-dir $RUN/state >$LOG/spp-ctl.log 2>&1 &
	echo $! >$RUN/spp-ctl.pid
	setsid "$BIN/spp_primary" --lcores 0@0 --no-pci --file-prefix $PREFIX -m 256 \
		--vdev "net_tap0,iface=${TAP[0]}" --vdev "net_tap1,iface=${TAP[1]}" \
		-- -p 0x3 -n 8 -s 127.0.0.1:5555 --log-dir $LOG \
		>$LOG/spp_primary.log 2>&1 </dev/null &
	echo $! >$RUN/spp_primary.pid
	wait_proc '"primary"'
	log "spp-ctl and spp_primary up (logs in $LOG)"
	# the primary's tap devices go into the namespaces: phy:0 and phy:1
	for i in 0 1; do
		ip netns add "${NS[$i]}"
		ip link set "${TAP[$i]}" netns "${NS[$i]}"
		ip netns exec "${NS[$i]}" ip addr add "${ADDR[$i]}/24" dev "${TAP[$i]}"
		ip netns exec "${NS[$i]}" ip link set "${TAP[$i]}" up
		ip netns exec "${NS[$i]}" ip link set lo up
	done
	log "namespaces ${NS[*]} with the taps ${TAP[*]}"

	api PUT /primary/launch '{"proc_name": "spp_nfv", "client_id": 1,
		"eal": {"--lcores": "1@0,2@1", "--no-pci": ""},
		"app": {"-n": "1", "-s": "127.0.0.1:6666"}}'
	wait_proc '"client-id": *1'
	# the primary's phy ports are in spp_nfv's port list from the start
	api PUT /nfvs/1/patches '{"src":"phy:0","dst":"phy:1"}'
	api PUT /nfvs/1/patches '{"src":"phy:1","dst":"phy:0"}'
	api PUT /nfvs/1/forward '{"action":"start"}'
	log "spp_nfv 1 patches phy:0 <-> phy:1"
	if ip netns exec "${NS[0]}" ping -c 3 -i 0.2 -W 1 "${ADDR[1]}" >/dev/null; then
		log "ping ${NS[0]} -> ${NS[1]} through SPP: OK"
	else
		log "ping ${NS[0]} -> ${NS[1]} through SPP: FAILED"; exit 1
	fi
	cat <<EOT

SPP is running. Try:
  ip netns exec ${NS[0]} ping ${ADDR[1]}
  build/src/cli/spp                      # the CLI: status, nfv 1; status, help, TAB completes
  build/src/cli/spp -c "nfv 1; patch reset"                                  # unpatch: ping stops
  build/src/cli/spp -c "nfv 1; patch phy:0 phy:1" -c "nfv 1; patch phy:1 phy:0"
or through REST:
  curl -s $API/processes
  curl -s $API/nfvs/1
  curl -s -X DELETE $API/nfvs/1/patches                                  # unpatch: ping stops
  curl -s -X PUT $API/nfvs/1/patches -d '{"src":"phy:0","dst":"phy:1"}'  # patch again
  curl -s -X PUT $API/nfvs/1/patches -d '{"src":"phy:1","dst":"phy:0"}'
  tools/run.sh stop
EOT
}

status() {
	curl -s "$API/processes"; echo
	curl -s "$API/nfvs/1"; echo
}

case "${1:-start}" in
start) start ;;
stop) stop ;;
status) status ;;
*) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac
