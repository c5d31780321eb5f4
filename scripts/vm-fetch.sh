#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Fetch Debian's arm64 kernel, its module-build headers and busybox-static
# for the VM, unpacked into <outdir>/root (never installed: installing
# linux-headers-...:arm64 on an x86 host pulls gcc:arm64 and binutils:arm64,
# which replace the host's compilers). apt-get download + dpkg-deb -x only.
# Usage: scripts/vm-fetch.sh <kver> <outdir>      e.g. 6.12 build/vm/arm64
# Prints the kernel release (e.g. 6.12.117+deb12-arm64) into <outdir>/krelease.
set -eu

kver=${1:?usage: vm-fetch.sh <kver> <outdir>}
out=${2:?usage: vm-fetch.sh <kver> <outdir>}
case "$kver" in
[0-9]*.[0-9]*) ;;
*) echo "vm-fetch: bad kernel version '$kver' (want e.g. 6.12 or 6.1)" >&2; exit 2 ;;
esac

# The newest signed image of that series: 6.12.N+debM-arm64 or 6.1.0-N-arm64.
esc=$(echo "$kver" | sed 's/\./\\./g')
image=$(apt-cache search --names-only "^linux-image-$esc\.[0-9]+(\+deb[0-9]+|-[0-9]+)-arm64\$" |
	awk '{ print $1 }' | sort -V | tail -n 1)
if [ -z "$image" ]; then
	echo "vm-fetch: no linux-image-$kver.*-arm64 in apt's lists (apt-get update? arm64 architecture added?)" >&2
	exit 1
fi
krel=${image#linux-image-}
kabi=${krel%-arm64}
# linux-kbuild is named after the ABI (6.12.117+deb12) or the series (6.1).
kbuild=linux-kbuild-$kabi
apt-cache show "$kbuild" >/dev/null 2>&1 || kbuild=linux-kbuild-$kver
pkgs="$image:arm64 linux-headers-$krel:arm64 linux-headers-$kabi-common $kbuild busybox-static:arm64"

stamp="$out/root/.fetched"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pkgs" ]; then
	exit 0
fi
mkdir -p "$out/debs"
rm -rf "$out/root"
mkdir -p "$out/root"
echo "vm-fetch: $pkgs"
for p in $pkgs; do
	name=${p%:arm64}
	set -- "$out"/debs/"${name}"_*.deb
	if [ ! -f "$1" ]; then
		(cd "$out/debs" && apt-get download -q "$p" 2>&1 >/dev/null | grep -v "unsandboxed as root" >&2; [ -n "$(ls "${name}"_*.deb 2>/dev/null)" ]) || {
			echo "vm-fetch: apt-get download $p failed" >&2
			exit 1
		}
		set -- "$out"/debs/"${name}"_*.deb
	fi
	dpkg-deb -x "$1" "$out/root"
done
# The headers' Makefile includes its -common half by absolute path: point it
# into the unpacked tree (kbuild's scripts are linked relatively already).
abs=$(cd "$out/root" && pwd)
sed -i "s|^include /usr/src/|include $abs/usr/src/|" "$out/root/usr/src/linux-headers-$krel/Makefile"
echo "$krel" >"$out/krelease"
echo "$pkgs" >"$stamp"
