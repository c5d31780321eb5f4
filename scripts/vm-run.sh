#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Boot the VM that scripts/vm-image.sh built and run one shell command in it.
# Usage: scripts/vm-run.sh [--timeout S] [--results DIR] [--trace EVENTS] <artefacts> <command>
#   <artefacts>  the folder with Image and initrd.cpio.gz (build/vm/arm64)
#   <command>    a busybox sh command line, run in /vm (the suite's files)
#                with /results as the folder whose files come back
#   --results    where /results is unpacked on the host (default: none kept)
#   --timeout    seconds for boot + command + power-off (default 300)
#   --trace      QEMU trace event patterns (comma-separated), logged to
#                <results>/qemu-trace.log
# The machine: qemu-system-aarch64 -M virt,iommu=smmuv3 -cpu neoverse-n1
# -smp 2 with a pci-testdev (a PCI device behind the SMMU that no driver
# claims: kmod's SMMU ground truth), under KVM where /dev/kvm exists on an arm64 host, TCG elsewhere.
# The console goes to stdout, <artefacts>/console.log and <results>/console.log. Exit status:
# the command's; 124 when the time limit ran out; 125 when the VM never
# reached the command. Writes <results>/vm.env: what ran where.
set -eu

die() { echo "vm-run: $*" >&2; exit 2; }
timeout=300 results= trace=
while [ $# -gt 0 ]; do
	case $1 in
	--timeout) timeout=${2:?}; shift 2 ;;
	--results) results=${2:?}; shift 2 ;;
	--trace) trace=${2:?}; shift 2 ;;
	--*) die "unknown option '$1'" ;;
	*) break ;;
	esac
done
[ $# = 2 ] || die "usage: vm-run.sh [--timeout S] [--results DIR] [--trace EVENTS] <artefacts> <command>"
art=$1 cmd=$2
case $timeout in ''|*[!0-9]*) die "--timeout '$timeout': want whole seconds" ;; esac
for f in Image initrd.cpio.gz; do
	[ -f "$art/$f" ] || die "$art/$f missing (make vm-image)"
done
command -v qemu-system-aarch64 >/dev/null || die "no qemu-system-aarch64 (make deps: scripts/deps.sh --vm)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vm-run.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
printf '#!/bin/sh\ncd /vm\n%s\n' "$cmd" >"$tmp/cmd.sh"
echo "file /vm/cmd.sh $tmp/cmd.sh 0755" >"$tmp/list"
${PYTHON:-python3} "$(dirname "$0")/vm-cpio.py" "$tmp/list" "$tmp/cmd.cpio.gz"
# The kernel unpacks concatenated archives one after the other.
cat "$art/initrd.cpio.gz" "$tmp/cmd.cpio.gz" >"$tmp/initrd"

if [ -e /dev/kvm ] && [ "$(uname -m)" = aarch64 ]; then
	accel="-accel kvm -cpu host" accel_name=KVM
else
	accel="-accel tcg,thread=multi -cpu neoverse-n1" accel_name=TCG
fi
qver=$(qemu-system-aarch64 --version | sed -n 's/.*version \([^ ]*\).*/\1/p;q')
tracearg=
if [ -n "$trace" ]; then
	tracearg="-D $tmp/qemu-trace.log"
	for ev in $(echo "$trace" | tr ',' ' '); do
		tracearg="$tracearg -trace enable=$ev"
	done
fi
# No NIC: the guest needs none, and virt's default one wants an option ROM
# (efi-virtio.rom) that qemu-system-arm installed without recommends lacks.
# The console of this boot; <artefacts>/console.log gets it at the end.
log=$tmp/console.log
t0=$(date +%s.%N)
set +e
# shellcheck disable=SC2086
timeout -k 5 "$timeout" qemu-system-aarch64 -M virt,iommu=smmuv3 $accel -smp 2 -m 1024 \
	-display none -monitor none -serial stdio -no-reboot -nic none \
	-kernel "$art/Image" -initrd "$tmp/initrd" \
	-append "console=ttyAMA0 quiet loglevel=3 panic=-1 rdinit=/init" \
	-device virtio-serial-pci -chardev file,id=res,path="$tmp/results.tar" -device pci-testdev \
	-device virtserialport,chardev=res,name=results $tracearg </dev/null | tee "$log"
set -e
t1=$(date +%s.%N)
wall=$(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }')
# Init's lines may follow a program's unfinished line or colour codes.
boot=$(sed -n 's/.*vm: booted .* in \([0-9.]*\) s.*/\1/p' "$log" | tail -n 1)
rc=$(sed -n 's/.*vm: exit \([0-9]*\).*/\1/p' "$log" | tail -n 1)
if [ -z "$rc" ]; then
	if [ "$(echo "$wall $timeout" | awk '{ print ($1 >= $2 - 1) }')" = 1 ]; then
		echo "vm-run: the VM did not finish within $timeout s ($accel_name); console tail:" >&2
		rc=124
	else
		echo "vm-run: the VM stopped without running the command to its end; console tail:" >&2
		rc=125
	fi
	if [ -s "$log" ]; then
		tail -n 30 "$log" | sed 's/^/    /' >&2
	else
		echo "    (nothing on the console yet: the kernel boots with loglevel=3)" >&2
	fi
fi
cp "$log" "$art/console.log"
echo "vm-run: $accel_name, guest boot ${boot:-?} s (guest uptime at init), wall $wall s, exit $rc"

if [ -n "$results" ]; then
	mkdir -p "$results"
	if [ -s "$tmp/results.tar" ]; then
		tar -xf "$tmp/results.tar" -C "$results" || { echo "vm-run: results.tar from the guest is damaged" >&2; rc=1; }
	fi
	[ -f "$tmp/qemu-trace.log" ] && mv "$tmp/qemu-trace.log" "$results/"
	cp "$log" "$results/console.log"
	krel=$(cat "$art/krelease" 2>/dev/null || echo unknown)
	cat >"$results/vm.env" <<EOF
emulated=qemu-system-aarch64 $qver ($accel_name)
vm_kernel=$krel
vm_machine=virt,iommu=smmuv3 $(echo "$accel" | sed 's/.*-cpu //') -smp 2 -m 1024
vm_boot_s=${boot:-}
vm_wall_s=$wall
EOF
fi
exit "$rc"
