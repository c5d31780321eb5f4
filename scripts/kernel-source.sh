#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Put the few files of a Linux tree that the suite builds against into a
# directory usable as KSRC=, from one of two places:
#
#   scripts/kernel-source.sh <ver> [outdir]        Debian's linux-source-<ver>
#       (6.12, 6.1), into build/kernel/<ver>/
#   scripts/kernel-source.sh --git <repo> --ref <ref> [--patches "a.patch b.mbox"]
#                            [--name <name>] [--outdir <dir>]
#       the files as they are at <ref> (tag, branch, commit) of a git
#       repository (bare, shallow or with a work tree), with the patches or
#       mboxes applied in order, into <dir>/git-<name>/ (default dir
#       build/kernel; default name: the ref, sanitised, plus "-patched-<hash
#       of the patches>" when there are any).
#
# Only these paths are taken, each when the tree has it: the top Makefile
# (version), drivers/iommu/io-pgtable-arm.c, io-pgtable.c, io-pgtable-arm.h,
# io-pgtable-arm-selftests.c, iommu-pages.h and include/linux/io-pgtable.h.
# The headers are read for feature detection only: the build compiles against
# shims/kernel, never against the tree's headers. Nothing is ever committed.
#
# From git, nothing of the user's repository changes: its objects are read
# through a scratch repository that borrows them (objects/info/alternates),
# the ref's tree is read into the scratch index, patches are applied there
# with `git apply --cached` (an mbox is split into its mails first, as git am
# does), and only the paths above are written out. A git tree carries a
# .kernel-ref file with its name: scripts/kernel-version.sh --core makes the
# core k<ver>-<name> of it, so two refs of one version never share a build
# directory or a benchmark name. Every failure is one line and a non-zero
# exit, and leaves the previous tree, if any, as it was: the new one is
# written to a temporary directory and renamed into place.
set -eu

die() { echo "kernel-source: $*" >&2; exit 1; }

required="Makefile drivers/iommu/io-pgtable-arm.c drivers/iommu/io-pgtable.c
include/linux/io-pgtable.h"
optional="drivers/iommu/io-pgtable-arm.h drivers/iommu/iommu-pages.h
drivers/iommu/io-pgtable-arm-selftests.c"
here=$(dirname "$0")

tmp=""
trap '[ -z "$tmp" ] || rm -rf "$tmp"' EXIT

# Replace $1 by the finished tree $2 (same file system: an atomic rename once
# the old one is out of the way), then list what it holds.
install_tree() {
	rm -rf "$1"
	mv "$2" "$1"
	echo "kernel-source: $1 = Linux $("$here/kernel-version.sh" --full "$1")"
	(cd "$1" && find . -type f ! -name '.*' | sort | sed 's/^\.\//  /')
}

debian_tree() {	# $1 version, $2 output directory
	ver=$1 out=$2
	tarball=/usr/src/linux-source-$ver.tar.xz
	top=linux-source-$ver

	case "$ver" in
	[0-9]*.[0-9]*) ;;
	*) echo "kernel-source: bad version '$ver' (want e.g. 6.12)" >&2; exit 2 ;;
	esac
	if [ ! -f "$tarball" ]; then
		"$here/deps.sh" --kernel "$ver"
	fi
	[ -f "$tarball" ] || die "$tarball missing after install"

	# Up to date already? The stamp records the tarball it came from.
	stamp="$out/.extracted"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(ls -l --time-style=+%s "$tarball")" ]; then
		echo "kernel-source: $out is up to date"
		return 0
	fi

	mkdir -p "$(dirname "$out")"
	tmp=$(mktemp -d "$(dirname "$out")/.ksrc.XXXXXX")
	members=""
	for f in $required $optional; do
		members="$members $top/$f"
	done
	echo "kernel-source: extracting from $tarball (decompresses the whole archive, ~1 min)"
	# --wildcards lets the optional names match nothing; tar still reports the
	# required ones below if they are absent.
	tar -xJf "$tarball" -C "$tmp" --wildcards --ignore-failed-read $members 2>"$tmp/err" || true
	for f in $required; do
		[ -f "$tmp/$top/$f" ] || die "$tarball has no $top/$f ($(head -n 1 "$tmp/err"))"
	done
	ls -l --time-style=+%s "$tarball" >"$tmp/$top/.extracted"
	install_tree "$out" "$tmp/$top"
}

# The name a ref gives its tree and core: letters, digits, '.', '_' and '-'
# only (a branch "user/series" becomes "user-series").
sanitise() {
	printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '-' | sed 's/^[.-]*//'
}

# Apply one patch file (a plain diff, or one mail of an mbox) to the scratch
# index. A mail without a diff (a cover letter) is skipped, saying so.
apply_one() {	# $1 patch, $2 what to call it in messages
	if ! grep -q '^diff --git \|^--- ' "$1"; then
		echo "kernel-source: $2 has no diff, skipped"
		return 0
	fi
	case $1 in /*) abs=$1 ;; *) abs=$PWD/$1 ;; esac
	git -C "$scratch" apply --cached --whitespace=nowarn "$abs" 2>"$tmp/apply.err" ||
		die "$2 does not apply to $ref: $(grep -m1 -E 'error|fatal' "$tmp/apply.err" || head -n 1 "$tmp/apply.err")"
	echo "kernel-source: applied $2"
}

apply_patches() {
	for p in $patches; do
		[ -f "$p" ] && [ -r "$p" ] || die "patch $p: no such readable file"
		if head -n 1 "$p" | grep -q '^From '; then
			# An mbox (git format-patch, a saved thread): one mail per patch.
			mkdir -p "$tmp/mails"
			rm -f "$tmp/mails/"*
			n=$(git mailsplit -o"$tmp/mails" "$p" 2>/dev/null) ||
				die "patch $p: not a readable mbox"
			[ "$n" -gt 0 ] || die "patch $p: an mbox with no mail"
			for m in "$tmp/mails/"*; do
				apply_one "$m" "$p mail $(basename "$m" | sed 's/^0*//')"
			done
		else
			apply_one "$p" "$p"
		fi
	done
}

git_tree() {	# $1 repository, $2 ref, $3 patches, $4 name or "", $5 directory
	repo=$1 ref=$2 patches=$3 name=$4 dir=$5

	[ -n "$ref" ] || die "GIT= needs REF=<tag|branch|commit>"
	# The object store (a linked worktree's is its main repository's).
	objects=$(cd "$repo" 2>/dev/null && o=$(git rev-parse --git-path objects 2>/dev/null) &&
		cd "$o" && pwd) || die "$repo is not a git repository"
	commit=$(git -C "$repo" rev-parse --verify --quiet --end-of-options "$ref^{commit}") ||
		die "$repo has no commit '$ref' (not a tag, branch or commit there)"
	phash=""
	if [ -n "$patches" ]; then
		for p in $patches; do
			[ -f "$p" ] && [ -r "$p" ] || die "patch $p: no such readable file"
		done
		# shellcheck disable=SC2086
		phash=$(cat $patches | git hash-object --stdin | cut -c1-8)
	fi
	[ -n "$name" ] || name=$(sanitise "$ref")${phash:+-patched-$phash}
	name=$(sanitise "$name")
	[ -n "$name" ] || die "REF=$ref gives an empty tree name: pass NAME=<name>"
	out=$dir/git-$name

	# Up to date already? The stamp records commit, patches and file list.
	want="$commit${phash:+ patches $phash} files $(echo $required $optional | cksum | cut -d' ' -f1)"
	if [ -f "$out/.extracted" ] && [ "$(cat "$out/.extracted")" = "$want" ]; then
		echo "kernel-source: $out is up to date ($ref = ${commit%${commit#????????????}})"
		return 0
	fi

	mkdir -p "$dir"
	tmp=$(mktemp -d "$dir/.ksrc.XXXXXX")
	scratch=$tmp/scratch.git
	git init -q --bare "$scratch"
	echo "$objects" >"$scratch/objects/info/alternates"
	# A partial clone (--filter=blob:none) fetches the few blobs it lacks
	# here, through its own promisor remote: the scratch repository can't.
	for f in $required $optional; do
		git -C "$repo" cat-file -e "$commit:$f" 2>/dev/null || true
	done
	git -C "$scratch" read-tree "$commit" 2>"$tmp/err" ||
		die "$repo: can't read the tree of $ref: $(head -n 1 "$tmp/err")"
	[ -z "$patches" ] || apply_patches
	mkdir -p "$tmp/tree"
	for f in $required $optional; do
		if [ -z "$(git -C "$scratch" ls-files --cached -- "$f")" ]; then
			case " $(echo $required) " in
			*" $f "*) die "$ref of $repo has no $f: not a Linux tree" ;;
			esac
			continue
		fi
		git --git-dir="$scratch" --work-tree="$tmp/tree" checkout-index -- "$f" 2>"$tmp/err" ||
			die "$repo: can't read $f at $ref: $(head -n 1 "$tmp/err")"
	done
	"$here/kernel-version.sh" "$tmp/tree" >/dev/null 2>&1 ||
		die "the Makefile of $ref has no VERSION/PATCHLEVEL: not a Linux tree"
	echo "$name" >"$tmp/tree/.kernel-ref"
	{
		echo "repository: $repo"
		echo "ref: $ref"
		echo "commit: $commit"
		for p in $patches; do echo "patch: $p"; done
	} >"$tmp/tree/.source"
	echo "$want" >"$tmp/tree/.extracted"
	install_tree "$out" "$tmp/tree"
}

usage="usage: kernel-source.sh <ver> [outdir] | --git <repo> --ref <ref> [--patches \"<files>\"] [--name <name>] [--outdir <dir>]"
repo="" ref="" patches="" name="" outdir=""
case "${1:-}" in
--git)
	while [ $# -gt 0 ]; do
		[ $# -ge 2 ] || die "$1 needs a value ($usage)"
		case $1 in
		--git) repo=$2 ;;
		--ref) ref=$2 ;;
		--patches) patches=$2 ;;
		--name) name=$2 ;;
		--outdir) outdir=$2 ;;
		*) die "unknown option $1 ($usage)" ;;
		esac
		shift 2
	done
	[ -n "$repo" ] || die "GIT= is empty ($usage)"
	git_tree "$repo" "$ref" "$patches" "$name" "${outdir:-${O:-build}/kernel}"
	;;
-*)
	die "unknown option $1 ($usage)"
	;;
*)
	ver=${1:-6.12}
	debian_tree "$ver" "${2:-${O:-build}/kernel/$ver}"
	;;
esac
