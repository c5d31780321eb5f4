// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer entry point: every input goes through the shared decoder and
 * checker (tests/reliability/fuzz_ops.c); a mismatch with the model is
 * printed and turned into a crash, so libFuzzer saves the input. Copy a
 * saved input into tests/fuzz/regressions/ and the normal test binaries
 * replay it forever after (tests/reliability/fuzz_replay.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include "alloc/backend.h"
#include "reliability/fuzz_ops.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (backend_init()) {
		fprintf(stderr, "fuzz: backend %s failed to initialise\n", backend_name());
		exit(1);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char err[512];

	if (fuzz_ops_run(data, size, err, sizeof(err))) {
		fprintf(stderr, "fuzz: backend %s: %s\n", backend_name(), err);
		abort();
	}
	return 0;
}
