// SPDX-License-Identifier: GPL-2.0
/*
 * The initcall list behind <linux/init.h>: constructors append to it at
 * program load (single-threaded), tests walk it afterwards. Empty in a
 * binary whose core registers no initcall (the suite's own core).
 */
#include <stddef.h>
#include <linux/init.h>

static struct shim_initcall *first, **tail = &first;

void shim_initcall_register(struct shim_initcall *call)
{
	call->next = NULL;
	*tail = call;
	tail = &call->next;
}

struct shim_initcall *shim_initcall_first(void)
{
	return first;
}
