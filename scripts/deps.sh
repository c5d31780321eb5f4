#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install the Debian/Ubuntu packages the suite needs, only those missing.
# Usage: scripts/deps.sh [--arm64] [--clang] [--fuzz] [--perf] [--lava] [--lava-run] [--vm] [--kernel VER]...
# --vm: qemu-system-aarch64 for make vm (the arm64 kernel and busybox are
# fetched by scripts/vm-fetch.sh, never installed); implies --arm64.
# Uses sudo when not root; prints what it installs; NO_DEPS=1 in make skips it.
set -eu

pkgs="g++ make libbenchmark-dev libbenchmark-tools python3 python3-numpy \
python3-scipy python3-matplotlib python3-pytest valgrind lava-common"
need_arm64=0
while [ $# -gt 0 ]; do
	case "$1" in
	--arm64) need_arm64=1 ;;
	--vm) need_arm64=1; pkgs="$pkgs qemu-system-arm" ;;
	--kernel) shift; pkgs="$pkgs linux-source-$1 xz-utils" ;;
	--perf) pkgs="$pkgs $(. /etc/os-release; [ "$ID" = ubuntu ] && echo linux-tools-common linux-tools-generic || echo linux-perf)" ;;
	--clang) pkgs="$pkgs clang" ;;
	--fuzz) pkgs="$pkgs clang libclang-rt-dev" ;;
	--lava) pkgs="$pkgs lavacli" ;;		# make lava-submit / lava-fetch
	--lava-run) pkgs="$pkgs lava-dispatcher qemu-system-arm" ;;	# make lava-run
	*) echo "deps.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
	shift
done
if [ $need_arm64 = 1 ]; then
	pkgs="$pkgs gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user libc6:arm64 libbenchmark-dev:arm64"
fi

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

command -v apt-get >/dev/null || {
	echo "deps.sh: missing packages:$missing, and no apt-get to install them" >&2
	exit 1
}
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
echo "deps: installing$missing"
if [ $need_arm64 = 1 ] && [ "$(. /etc/os-release; echo "$ID")" = ubuntu ]; then
	# arm64 lives on ports.ubuntu.com, not in the host's archive.
	$sudo "$(dirname "$0")/ubuntu-arm64-sources.sh"
fi
if [ $need_arm64 = 1 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
	$sudo dpkg --add-architecture arm64
fi
$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null || {
	echo "deps.sh: apt-get could not install:$missing (see apt's messages above)" >&2
	exit 1
}
echo "deps: done"
