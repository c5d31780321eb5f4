/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzz decoder and checker, shared by the libFuzzer target
 * (tests/fuzz/fuzz_target.c) and the replay test that runs every corpus
 * and regression file in the normal test binaries.
 *
 * An input decodes into a page-table configuration (format, granule, ias,
 * oas, coherent or not, allocation fault injection) and a sequence of
 * map_pages / unmap_pages / iova_to_phys / iommu_map / iommu_unmap calls
 * and bad-argument calls. Every result is checked against a shadow model
 * of the leaves and tables the page table must hold; at the end every
 * surviving mapping must translate, everything is unmapped, the table
 * freed, and the backend must hold what it held before.
 *
 * Input layout (every byte string is valid; short inputs just end early):
 *   [0] fmt (bit 0: s1/s2), granule (bits 1-2: 4k/16k/64k/4k),
 *       coherent (bit 3), fault injection (bits 4-5: none/nth/every/none)
 *   [1] ias = 32 + b % 17      [2] oas = 32 + b % 17
 *   [3] fault parameter: 1 + b (nth), 2 + b % 63 (every)
 *   then ops: one opcode byte (low 3 bits) and its operand bytes.
 */
#ifndef _TESTS_RELIABILITY_FUZZ_OPS_H
#define _TESTS_RELIABILITY_FUZZ_OPS_H

#include <stddef.h>
#include <stdint.h>

struct fuzz_ops_stats {
	uint64_t inputs;	/* inputs run */
	uint64_t rejected;	/* configurations the core refused (not errors) */
	uint64_t ops;		/* calls checked */
	uint64_t mapped;	/* successful maps */
	uint64_t unmapped;	/* successful unmaps */
	uint64_t lookups;	/* iova_to_phys checks, op or final sweep */
	uint64_t errors;	/* calls whose expected result was an error code */
	uint64_t enomem;	/* -ENOMEM results (injected failures) */
};

/*
 * Run one input. 0: everything matched (or the configuration was refused);
 * -1: a mismatch, described in @err (one line, with the op number).
 */
int fuzz_ops_run(const uint8_t *data, size_t size, char *err, size_t errlen);

/*
 * Self-test of the checker: after op @op of the next run, flip an output
 * address bit of a live leaf behind the core's back; that run must fail.
 */
void fuzz_ops_sabotage(unsigned int op);

/* Totals since the process started (or the last reset). */
void fuzz_ops_stats(struct fuzz_ops_stats *out);
void fuzz_ops_stats_reset(void);

#endif
