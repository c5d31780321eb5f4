#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build the VM's boot artefacts from Debian packages and the suite's arm64
# binaries: <outdir>/Image (Debian's arm64 kernel) and <outdir>/initrd.cpio.gz
# (busybox-static, vm/init, the binaries given, the shared libraries they
# need, scripts/run-tests.sh, and any kernel module given).
# Usage: scripts/vm-image.sh <outdir> <kver> <binary-or-.ko>...
#   e.g. scripts/vm-image.sh build/vm/arm64 6.12 build/vm/arm64/test-libc
# The kernel and busybox come from scripts/vm-fetch.sh (apt-get download +
# dpkg-deb -x into <outdir>/root, never installed).
set -eu

die() { echo "vm-image: $*" >&2; exit 1; }
[ $# -ge 2 ] || die "usage: vm-image.sh <outdir> <kver> <binary-or-.ko>..."
out=$1 kver=$2
shift 2
here=$(dirname "$0")
"$here/vm-fetch.sh" "$kver" "$out"
krel=$(cat "$out/krelease")
root=$out/root
cp "$root/boot/vmlinuz-$krel" "$out/Image"

readelf=readelf	# GNU readelf reads every architecture
libdirs="/usr/lib/aarch64-linux-gnu /lib/aarch64-linux-gnu"
list=$(mktemp) libs=$(mktemp)
trap 'rm -f "$list" "$libs"' EXIT

# The shared libraries a binary needs, recursively, as found in the
# multiarch folders that libbenchmark-dev:arm64 and libc6:arm64 fill.
needed() {
	"$readelf" -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | while read -r lib; do
		grep -qx "$lib" "$libs" && continue
		echo "$lib" >>"$libs"
		found=
		for d in $libdirs; do
			[ -f "$d/$lib" ] && found=$d/$lib && break
		done
		[ -n "$found" ] || die "$1 needs $lib, not found in $libdirs (make deps ARCH=arm64)"
		echo "file /lib/$lib $(readlink -f "$found") 0755" >>"$list"
		needed "$found"
	done
}

cat >"$list" <<EOF
dir /bin 0755
dir /sbin 0755
dir /usr 0755
dir /usr/bin 0755
dir /lib 0755
dir /dev 0755
dir /proc 0755
dir /sys 0755
dir /tmp 1777
dir /vm 0755
dir /results 0755
nod /dev/console 0600 c 5 1
nod /dev/null 0666 c 1 3
file /bin/busybox $root/bin/busybox 0755
slink /bin/sh busybox 0777
file /init vm/init 0755
file /vm/run-tests.sh scripts/run-tests.sh 0755
slink /lib64 lib 0777
EOF
seen=" "
for f in "$@"; do
	case $seen in *" $f "*) continue ;; esac
	seen="$seen$f "
	[ -f "$f" ] || die "$f: no such file (build it first)"
	case $f in
	*.ko) echo "file /vm/$(basename "$f") $f 0644" >>"$list" ;;
	*/k[0-9]*/*)
		# A kernel tree's build (KSRC=): /vm/k<ver>/, beside the own core's.
		sub=$(basename "$(dirname "$f")")
		grep -qx "dir /vm/$sub 0755" "$list" || echo "dir /vm/$sub 0755" >>"$list"
		echo "file /vm/$sub/$(basename "$f") $f 0755" >>"$list"
		needed "$f"
		;;
	*.sh)
		echo "file /vm/$(basename "$f") $f 0755" >>"$list"
		;;
	*)
		echo "file /vm/$(basename "$f") $f 0755" >>"$list"
		needed "$f"
		;;
	esac
done
# What the VM needs that some kernels build as modules (6.1: virtio-pci and
# virtio-console, for the results port), dependencies first; init loads
# the ones present. Debian may compress them: unpacked here (busybox insmod).
mods=$root/lib/modules/$krel/kernel
: >"$out/modules.load"
echo "dir /lib/modules 0755" >>"$list"
for m in drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci_modern_dev \
	 drivers/virtio/virtio_pci drivers/char/virtio_console; do
	name=$(basename "$m").ko
	if [ -f "$mods/$m.ko.xz" ]; then
		xz -dc "$mods/$m.ko.xz" >"$out/$name"
	elif [ -f "$mods/$m.ko" ]; then
		cp "$mods/$m.ko" "$out/$name"
	else
		continue
	fi
	echo "file /lib/modules/$name $out/$name 0644" >>"$list"
	echo "$name" >>"$out/modules.load"
done
echo "file /vm/modules.load $out/modules.load 0644" >>"$list"
# The dynamic loader's path is absolute in every binary (/lib/ld-linux-aarch64.so.1).
${PYTHON:-python3} "$here/vm-cpio.py" "$list" "$out/initrd.cpio.gz"
echo "vm-image: $out/Image ($krel) and $out/initrd.cpio.gz ($(du -k "$out/initrd.cpio.gz" | cut -f1) KiB, $# files of the suite)"
