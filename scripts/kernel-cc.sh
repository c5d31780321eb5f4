#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Compile one file of a kernel tree (make KSRC=) against shims/kernel, and
# when it does not compile, say in one line which kernel name the shims
# lack instead of a wall of errors: the compiler's first error, reduced to
# the symbol, header, type or member it names. The whole log is kept next
# to the object (<object>.log) for whoever adds the shim.
# Usage: scripts/kernel-cc.sh <compiler> <args...> -o <object>
set -u

obj=""
prev=""
for a in "$@"; do
	[ "$prev" = -o ] && obj=$a
	prev=$a
done
[ -n "$obj" ] || { echo "kernel-cc: no -o <object> in the command" >&2; exit 2; }
log=$obj.log

# ASCII quotes in the messages, whatever the user's locale.
LC_ALL=C "$@" 2>"$log"
rc=$?
if [ $rc = 0 ]; then
	cat "$log" >&2	# warnings that did not fail the build stay visible
	rm -f "$log"
	exit 0
fi

first=$(grep -m 1 -E '(fatal )?error: ' "$log")
where=$(echo "$first" | sed -E 's/^([^:]+:[0-9]+):.*/\1/')
what=$(echo "$first" | sed -nE \
	-e "s/.*implicit declaration of function '([^']+)'.*/function \1()/p" \
	-e "s/.*'([^']+)' undeclared.*/identifier \1/p" \
	-e "s/.*unknown type name '([^']+)'.*/type \1/p" \
	-e "s/.*invalid use of undefined type '([^']+)'.*/\1/p" \
	-e "s/.*storage size of .* isn't known.*/the size of a type declared only/p" \
	-e "s/.*'([^']+)' has no member named '([^']+)'.*/member \2 of \1/p" \
	-e "s/.*fatal error: ([^:]+): No such file.*/header <\1>/p" | head -n 1)
if [ -n "$what" ]; then
	echo "kernel-cc: $where: the tree uses $what, which shims/kernel does not provide (full log: $log)" >&2
else
	echo "kernel-cc: ${first:-the compiler failed with no error line} (full log: $log)" >&2
fi
exit 1
