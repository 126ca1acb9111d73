#!/usr/bin/env bash
# Idempotent set-up for running and testing SPP on Debian 12 as root:
# installs the Debian packages that are missing, makes 2 MiB hugepages
# available (and mounts hugetlbfs if nothing is mounted), and builds.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS="gcc clang-format meson ninja-build pkg-config dpdk dpdk-dev libdpdk-dev
libjansson-dev libyaml-dev libmicrohttpd-dev libpcap-dev liblz4-dev lz4 iproute2 iputils-ping curl
procps psmisc tcpdump python3 python3-pytest python3-requests python3-scapy
libcurl4-openssl-dev libedit-dev graphviz libgraphviz-dev tmux python3-pexpect clang
libclang-rt-14-dev prometheus python3-prometheus-client chromium chromium-driver
python3-selenium"
# networking-spp (OpenStack) and the services its system tests start:
# Debian's Neutron, etcd, RabbitMQ, MariaDB (without recommends: those pull
# a desktop keyring stack)
OS_PKGS="etcd-server etcd-client python3-etcd3gw rabbitmq-server mariadb-server
neutron-common python3-neutron python3-neutron-taas flake8 python3-venv python3-pip python3-setuptools"
NR_HUGEPAGES=${SPP_HUGEPAGES:-2048}

log() { echo "setup: $*"; }

# The packages of a list that are not installed.
missing() {
	local p out=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "ok installed" || out="$out $p"
	done
	echo "$out"
}

missing=$(missing $PKGS)
if [ -n "$missing" ]; then
	log "installing$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

missing=$(missing $OS_PKGS)
if [ -n "$missing" ]; then
	log "installing$missing"
	# their package scripts must not start services on the default ports
	guard=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		guard=1
	fi
	apt-get update -qq
	rc=0
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $missing >/dev/null || rc=$?
	[ -z "$guard" ] || rm -f /usr/sbin/policy-rc.d
	[ $rc -eq 0 ] || exit $rc
fi

total=$(awk '/^HugePages_Total/ {print $2}' /proc/meminfo)
if [ "${total:-0}" -lt "$NR_HUGEPAGES" ]; then
	log "allocating $NR_HUGEPAGES hugepages of 2 MiB"
	echo "$NR_HUGEPAGES" >/proc/sys/vm/nr_hugepages
	total=$(awk '/^HugePages_Total/ {print $2}' /proc/meminfo)
	[ "$total" -ge "$NR_HUGEPAGES" ] ||
		log "warning: only $total hugepages could be allocated"
fi
if ! grep -q hugetlbfs /proc/mounts; then
	log "mounting hugetlbfs on /dev/hugepages"
	mkdir -p /dev/hugepages
	mount -t hugetlbfs nodev /dev/hugepages
fi

if [ ! -f build/build.ninja ]; then
	meson setup build >/dev/null
fi
ninja -C build >/dev/null || ninja -C build
log "built in $(pwd)/build"

# the libFuzzer targets (tests/fuzz): clang with ASan and UBSan, no DPDK
if [ ! -f build-fuzz/build.ninja ]; then
	CC=clang meson setup build-fuzz -Ddpdk=disabled -Dfuzz=true \
		-Dbuildtype=debugoptimized >/dev/null
fi
ninja -C build-fuzz >/dev/null || ninja -C build-fuzz
log "fuzz targets built in $(pwd)/build-fuzz"

# the same code with ASan, LSan and UBSan, for tests/sanitize
if [ ! -f build-asan/build.ninja ]; then
	meson setup build-asan -Db_sanitize=address,undefined \
		-Dbuildtype=debugoptimized -Dc_args=-Wno-format-truncation \
		>/dev/null
fi
ninja -C build-asan >/dev/null || ninja -C build-asan
log "sanitizer build in $(pwd)/build-asan"
