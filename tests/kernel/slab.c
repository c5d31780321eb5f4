// SPDX-License-Identifier: GPL-2.0
/*
 * The shims' slab allocator keeps the kernel's contract where kernel code
 * relies on it: kzalloc() and the newer kzalloc_obj() are kmalloc() with
 * __GFP_ZERO, so a kmalloc() given __GFP_ZERO must return zeroed memory
 * even when malloc hands back a chunk just freed with data in it; and
 * kmalloc_array() of a size that overflows returns NULL, not a short block.
 */
#include <stdint.h>
#include <string.h>
#include <linux/gfp.h>
#include <linux/slab.h>
#include "harness.h"

TEST(shim_kmalloc_gfp_zero_zeroes_a_reused_chunk)
{
	enum { SIZE = 200 };
	unsigned char *p = kmalloc(SIZE, GFP_KERNEL);
	size_t i, nonzero = 0;

	REQUIRE(p);
	memset(p, 0xa5, SIZE);
	kfree(p);
	/* glibc's tcache hands the same chunk back for the same size. */
	p = kmalloc(SIZE, GFP_KERNEL | __GFP_ZERO);
	REQUIRE(p);
	for (i = 0; i < SIZE; i++)
		nonzero += p[i] != 0;
	CHECK_EQ(nonzero, 0);
	kfree(p);
}

TEST(shim_kmalloc_array_refuses_overflow)
{
	void *p = kmalloc_array(SIZE_MAX / 8 + 2, 8, GFP_KERNEL);

	CHECK(p == NULL);
	kfree(p);
	p = kmalloc_array(4, 8, GFP_KERNEL);
	CHECK(p != NULL);
	kfree(p);
}
