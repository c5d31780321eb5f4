/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shim's yardstick: an empty benchmark written natively in C++
 * (range-for over benchmark::State), so that bench/shim_overhead.c can
 * show what the C loop of gbench.h costs in comparison.
 */
#ifndef _GBENCH_NATIVE_H
#define _GBENCH_NATIVE_H

#ifdef __cplusplus
extern "C" {
#endif

/* Register the native empty loop under @name. */
void gb_native_register_empty(const char *name);
/* Thread CPU ns per iteration of its last run (the C side's clock); 0 if none. */
double gb_native_empty_ns(void);

#ifdef __cplusplus
}
#endif

#endif
