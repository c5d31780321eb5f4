#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# CI's LAVA step, through the Makefile as a user types it: a job for every
# device type (from a make dist tarball and from git), each checked by
# LAVA's own schema validator (lava-common, in scripts/lava.py); bad input
# refused in one line; and job logs recorded from a real lava-run on the
# development machine (tests/scripts/fixtures/lava/) parsed as make
# lava-fetch parses a lab's, then a report across boards drawn from them.
# LAVA's dispatcher itself is not run here (see the README: it needs root,
# qemu-system-aarch64 and minutes of TCG per job).
# Usage: scripts/lava-ci.sh [outdir]     ends with "total: N passed, M failed"
set -u

out=${1:-build/ci-lava}
fix=tests/scripts/fixtures/lava
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "    ok $*"; }
bad() { fail=$((fail + 1)); echo "    FAIL $*"; }
lab="KERNEL_URL=https://lab.invalid/Image DTB_URL=https://lab.invalid/board.dtb \
RAMDISK_URL=https://lab.invalid/rootfs.cpio.gz NFSROOTFS_URL=https://lab.invalid/rootfs.tar.xz \
BOOT_URL=https://lab.invalid/boot.img ROOTFS_URL=https://lab.invalid/rootfs.img.xz"
rm -rf "$out"

for f in lava/device-types/*.yaml; do
	t=$(basename "$f" .yaml)
	# shellcheck disable=SC2086
	if make --no-print-directory lava-job O="$out" DEVICE_TYPE="$t" \
			DIST_URL=https://ci.invalid/io-pgtable-bench-arm64-own.tar.gz $lab &&
		make --no-print-directory lava-job O="$out/git" DEVICE_TYPE="$t" \
			GIT=https://ci.invalid/io-pgtable-bench.git REF=main $lab; then
		ok "lava-job DEVICE_TYPE=$t (dist and git), validated"
	else
		bad "lava-job DEVICE_TYPE=$t"
	fi
done

expect_refused() {	# expect_refused <what> <command...>: exit != 0, one line
	what=$1; shift
	msg=$("$@" 2>&1 >/dev/null)
	if [ $? != 0 ] && [ -n "$msg" ]; then
		ok "$what refused: $(echo "$msg" | head -n 1)"
	else
		bad "$what was not refused"
	fi
}
expect_refused "unknown device type" make --no-print-directory -s lava-job O="$out" \
	DEVICE_TYPE=no-such-board DIST_URL=https://ci.invalid/x.tar.gz
expect_refused "board job without the lab's URLs" make --no-print-directory -s lava-job \
	O="$out" DEVICE_TYPE=juno-r2 DIST_URL=https://ci.invalid/x.tar.gz
expect_refused "failed job (boot timeout)" env RESULTS="$out/results" make --no-print-directory \
	-s lava-parse LOG=$fix/qemu-boot-timeout.jsonl JOB=1 DEVICE=qemu-local DEVICE_TYPE=qemu
expect_refused "failed job (failure on the board)" env RESULTS="$out/results" make \
	--no-print-directory -s lava-parse LOG=$fix/qemu-board-fail.jsonl JOB=2 DEVICE=qemu-local \
	DEVICE_TYPE=qemu
[ -d "$out/results" ] && bad "a failed job left results in $out/results"

if RESULTS="$out/results" make --no-print-directory lava-parse LOG=$fix/qemu-ok.jsonl JOB=4 \
		DEVICE=qemu-local DEVICE_TYPE=qemu >/dev/null; then
	run=$(ls -d "$out"/results/qemu-local/*)
	ok "lava-parse of a recorded qemu job: $run"
	# The same run as a second board, renamed, for the report across boards.
	mkdir -p "$out/results/other-board"
	cp -r "$run" "$out/results/other-board/"
	sed -i 's/"board": "qemu-local"/"board": "other-board"/' "$out"/results/other-board/*/*.json
	if make --no-print-directory report RUN="$run $(ls -d "$out"/results/other-board/*)" \
			>/dev/null; then
		ok "make report across two boards"
	else
		bad "make report across two boards"
	fi
else
	bad "lava-parse of a recorded qemu job"
fi
echo "total: $pass passed, $fail failed"
[ $fail = 0 ]
