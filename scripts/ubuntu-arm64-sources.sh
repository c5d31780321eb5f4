#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Let apt on an Ubuntu host install arm64 packages (called by deps.sh
# --arm64). Ubuntu's archive carries only amd64/i386; arm64 lives on
# ports.ubuntu.com. Without a source for it, and without restricting the
# existing sources to the host's architecture, `apt-get update` fails after
# `dpkg --add-architecture arm64`. This script:
#   1. restricts every existing source to the host architecture
#      (deb822 "Architectures:" field, or "[arch=...]" on one-line sources),
#      keeping a copy of each file it edits as <file>.io-pgtable-bench.bak;
#   2. adds /etc/apt/sources.list.d/io-pgtable-bench-arm64.sources for
#      ports.ubuntu.com, arm64 only.
# It does nothing when a ports.ubuntu.com source exists already. Undo:
# move the .bak files back and delete the added file.
# Usage: scripts/ubuntu-arm64-sources.sh  (as root)
#   APT_ETC=, OS_RELEASE=, UBUNTU_KEYRING=   other paths, for tests
set -eu

etc=${APT_ETC:-/etc/apt}
os_release=${OS_RELEASE:-/etc/os-release}
keyring=${UBUNTU_KEYRING:-/usr/share/keyrings/ubuntu-archive-keyring.gpg}
die() { echo "ubuntu-arm64-sources: $*" >&2; exit 1; }

grep -rqs 'ports\.ubuntu\.com' "$etc/sources.list" "$etc/sources.list.d/" && exit 0
host=$(dpkg --print-architecture)
codename=$(. "$os_release"; echo "${VERSION_CODENAME:-${UBUNTU_CODENAME:-}}")
[ -n "$codename" ] || die "no VERSION_CODENAME in $os_release"
[ -r "$keyring" ] || die "no $keyring (package ubuntu-keyring)"

replace() {	# replace <file> by <file>.new if they differ, keeping the original once
	if cmp -s "$1" "$1.new"; then
		rm -f "$1.new"
		return
	fi
	[ -e "$1.io-pgtable-bench.bak" ] || cp -p "$1" "$1.io-pgtable-bench.bak"
	mv "$1.new" "$1"
	echo "deps: restricted $1 to $host"
}

# deb822: an "Architectures:" line in every stanza (a paragraph with a
# Types: field; comment-only paragraphs are left alone) that has none.
for f in "$etc"/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	awk -v arch="$host" '
		function flush() {
			if (types && !has)
				print "Architectures: " arch
			for (i = 1; i <= n; i++)
				print buf[i]
			n = types = has = 0
		}
		/^[ \t]*$/ { flush(); print; next }
		{ buf[++n] = $0 }
		tolower($0) ~ /^types:/ { types = 1 }
		tolower($0) ~ /^architectures:/ { has = 1 }
		END { flush() }' "$f" >"$f.new"
	replace "$f"
done

# One-line format: "deb [opts] uri ..." gets arch=<host> unless it has one.
for f in "$etc/sources.list" "$etc"/sources.list.d/*.list; do
	[ -f "$f" ] || continue
	sed -E -e "/^[[:space:]]*deb(-src)?[[:space:]]+\[[^]]*arch=/b" \
		-e "s/^([[:space:]]*deb(-src)?[[:space:]]+)\[/\1[arch=$host /" \
		-e "t" \
		-e "s/^([[:space:]]*deb(-src)?[[:space:]]+)([^[[:space:]])/\1[arch=$host] \3/" \
		"$f" >"$f.new"
	replace "$f"
done

out=$etc/sources.list.d/io-pgtable-bench-arm64.sources
cat >"$out.new" <<EOF
# Added by io-pgtable-bench (scripts/ubuntu-arm64-sources.sh): arm64
# packages for the cross build come from ports.ubuntu.com.
Types: deb
URIs: http://ports.ubuntu.com/ubuntu-ports
Suites: $codename $codename-updates $codename-security
Components: main universe
Architectures: arm64
Signed-By: $keyring
EOF
mv "$out.new" "$out"
echo "deps: added $out (ports.ubuntu.com, arm64)"
