# SPDX-License-Identifier: GPL-2.0
# io-pgtable-bench: benchmarks for the Linux kernel's ARM LPAE IOMMU page
# tables (drivers/iommu/io-pgtable-arm.c), built in user space once per
# allocator backend. Kernel conventions: ARCH=, CROSS_COMPILE=, O=, KSRC=.
# `make help` lists the targets.

# ---------------------------------------------------------------- variables
HOSTARCH	:= $(shell uname -m | sed -e 's/aarch64/arm64/')
ARCH		?= $(HOSTARCH)
ifeq ($(ARCH),arm64)
ifneq ($(HOSTARCH),arm64)
CROSS_COMPILE	?= aarch64-linux-gnu-
# Binaries for another architecture run under QEMU's user-mode emulator,
# as a Neoverse-N1: QEMU's default "max" CPU reports 32-byte cache lines
# where Arm's cores have 64, and cache-line counts should match boards'.
RUNNER		?= qemu-aarch64
QEMU_CPU	?= neoverse-n1
export QEMU_CPU
endif
endif
ifeq ($(origin CC),default)
CC		:= $(CROSS_COMPILE)gcc
endif
ifeq ($(origin CXX),default)
CXX		:= $(CROSS_COMPILE)g++
endif
PYTHON		?= $(shell test -x /usr/bin/python3 && echo /usr/bin/python3 || echo python3)

# SANITIZE=1 means address,undefined; any other value is passed to -fsanitize=.
comma		:= ,
ifeq ($(SANITIZE),1)
override SANITIZE := address,undefined
endif
ifneq ($(SANITIZE),)
SANFLAGS	:= -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
VARIANT		:= -san-$(subst $(comma),-,$(SANITIZE))
endif

# BENCH_MAP_DELAY_NS=N: benchmarks that wait N ns after each map (a known
# slowdown to check `make compare` with), built apart from the real ones.
ifneq ($(BENCH_MAP_DELAY_NS),)
VARIANT		:= $(VARIANT)-mapdelay$(BENCH_MAP_DELAY_NS)
CPPFLAGS	+= -DBENCH_MAP_DELAY_NS=$(BENCH_MAP_DELAY_NS)
endif
# BENCH_CORRUPT_PTE=1: benchmarks whose verification first maps one page
# wrongly, built apart: the end-to-end test that a wrong translation fails.
ifneq ($(BENCH_CORRUPT_PTE),)
VARIANT		:= $(VARIANT)-corruptpte
CPPFLAGS	+= -DBENCH_CORRUPT_PTE=1
endif

# Quiet by default, as kbuild: "  CC      src/alloc/libc.c"; V=1 prints
# the full commands.
ifeq ($(V),1)
Q		:=
quiet		=
else
Q		:= @
quiet		= @printf '  %-7s %s\n' '$(1)' '$(2)';
endif

O		?= build
OUT		:= $(O)/$(ARCH)$(VARIANT)
OBJ		:= $(OUT)/obj

# Kernel-style code follows the kernel's warning set: -Wextra's unused
# parameters, sign comparisons and partial initialisers are idiomatic there.
WARN		:= -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare \
		   -Wno-missing-field-initializers
CFLAGS		?= -O2 -g
CXXFLAGS	?= -O2 -g
ALL_CFLAGS	:= -std=gnu11 $(WARN) -pthread $(SANFLAGS) $(CFLAGS)
ALL_CXXFLAGS	:= -std=c++17 $(WARN) -pthread $(SANFLAGS) $(CXXFLAGS)
# Includes are rooted: "alloc/backend.h", "gbench/gbench.h", and under tests/
# "harness.h", "lib/pt.h"; <linux/...> comes from the kernel shims.
CPPFLAGS	+= -Ishims/kernel -Isrc -Ishims -MMD -MP
# Every call that makes a table visible to a non-coherent walker goes through
# a counting wrapper (shims/kernel/noncoherent.c), whichever core makes it.
NONCOHERENT_CALLS := dma_map_single dma_unmap_single dma_sync_single_for_device \
		   iommu_pages_start_incoherent iommu_pages_flush_incoherent \
		   iommu_pages_free_incoherent
LDLIBS		:= -pthread $(SANFLAGS) $(NONCOHERENT_CALLS:%=-Wl,--wrap=%)
BENCH_LDLIBS	:= -lbenchmark $(LDLIBS)

# The page-table core: the suite's own, or a kernel tree's with KSRC=.
ifeq ($(KSRC),)
CORE		:= own
CORE_SRCS	:= $(wildcard src/pgtable/*.c)
CORE_OBJS	:= $(CORE_SRCS:%.c=$(OBJ)/%.o)
BIN		:= $(OUT)
else
# A kernel tree's io-pgtable-arm.c and io-pgtable.c, compiled against
# shims/kernel with two force-included headers: kver/kcompat.h (what every
# version needs beyond the shims) and kver/pages-$(KPAGES).h (how this
# version allocates tables), plus kfeatures.h generated from the tree. The
# kernel's selftest is compiled in: an initcall that tests/kernel/selftest.c
# runs, or a KUnit suite whose cases tests/kernel/kunit.c makes tests of
# their own (shims/kernel/kunit). The suite's own core is linked in as well,
# every symbol it defines renamed own_* (objcopy), for the differential
# test in tests/kernel/.
KVER		:= $(shell scripts/kernel-version.sh $(KSRC))
ifeq ($(KVER),)
$(error KSRC=$(KSRC) is not a kernel tree: no Makefile with VERSION (see make kernel-source))
endif
KPAGES		:= $(shell scripts/kernel-version.sh --pages-api $(KSRC))
CORE		:= $(shell scripts/kernel-version.sh --core $(KSRC))
BIN		:= $(OUT)/$(CORE)
KOBJ		:= $(BIN)/obj
KGEN		:= $(KOBJ)/kfeatures.h
KOWN_OBJS	:= $(patsubst src/pgtable/%.c,$(KOBJ)/own/%.o,$(wildcard src/pgtable/*.c))
# A tree whose selftest has a file of its own (an initcall, or KUnit since
# 6.19: shims/kernel/kunit) builds it too.
KSELFTEST_OBJ	:= $(if $(wildcard $(KSRC)/drivers/iommu/io-pgtable-arm-selftests.c),$(KOBJ)/io-pgtable-arm-selftests.o)
CORE_OBJS	:= $(KOBJ)/io-pgtable-arm.o $(KOBJ)/io-pgtable.o $(KSELFTEST_OBJ) $(KOBJ)/kcore.o $(KOWN_OBJS)
KCPPFLAGS	:= -Ishims/kernel -I$(KOBJ) -MMD -MP -DCONFIG_IOMMU_IO_PGTABLE_LPAE=1 \
		   -DCONFIG_IOMMU_IO_PGTABLE_LPAE_SELFTEST=1 \
		   -include shims/kernel/kver/kcompat.h \
		   -include shims/kernel/kver/pages-$(KPAGES).h
# The language the kernel's own Makefile compiles its C in: signed overflow
# wraps (its MAIR is built with 0xf4 << 24 on an int), no type-based
# aliasing. Without them UBSan (SANITIZE=1) rightly stops in kernel code.
KCFLAGS		:= -fno-strict-overflow -fno-strict-aliasing
NM		?= $(CROSS_COMPILE)nm
OBJCOPY		?= $(CROSS_COMPILE)objcopy
endif

# Backends: every src/alloc/*.c but the shared bookkeeping and buddy allocator.
# The one list every script asks for (make list-backends); BACKENDS= narrows it.
ALLOC_LIBS	:= common buddy-core
ALL_BACKENDS	:= $(filter-out $(ALLOC_LIBS),$(basename $(notdir $(wildcard src/alloc/*.c))))
BACKENDS	?= $(ALL_BACKENDS)
ARCH_DIR	:= $(if $(wildcard src/arch/$(ARCH)/*.c),src/arch/$(ARCH),src/arch/generic)
LIB_SRCS	:= $(wildcard shims/kernel/*.c src/iommu-core/*.c src/tlb/*.c src/arch/*.c) \
		   $(wildcard $(ARCH_DIR)/*.c) $(ALLOC_LIBS:%=src/alloc/%.c)
LIB_OBJS	:= $(LIB_SRCS:%.c=$(OBJ)/%.o)
BENCH_OBJS	:= $(patsubst %,$(OBJ)/%.o,$(basename $(wildcard bench/*.c bench/*/*.c shims/gbench/*.cc)))
TEST_SRCS	:= $(filter-out tests/alloc/% tests/fuzz/%,$(wildcard tests/*.c tests/*/*.c))
TEST_OBJS	:= $(TEST_SRCS:%.c=$(OBJ)/%.o)

BENCH_BINS	:= $(BACKENDS:%=$(BIN)/bench-%)
TEST_BINS	:= $(BACKENDS:%=$(BIN)/test-%)

# What the run scripts read.
export ARCH RUNNER PYTHON CORE BIN BACKENDS CC CXX CFLAGS SANITIZE KSRC KVER
PROFILE		?= quick

# ------------------------------------------------------------------ targets
.PHONY: all bench test deps help clean compare history plot report perf \
	fuzz soak memcheck mutate kernel-source compare-kernels test-bins \
	dist lava-job lava-submit lava-fetch lava-parse lava-run vm-image vm vm-test vm-bench \
	kmod bench-kmod vm-kmod vm-smmu
.DEFAULT_GOAL	:= all

all: $(BENCH_BINS) $(TEST_BINS)

deps:
	@$(if $(NO_DEPS),true,scripts/deps.sh $(if $(filter arm64,$(ARCH)),$(if $(filter-out arm64,$(HOSTARCH)),--arm64)) \
		$(if $(findstring clang,$(CC)),--clang))

# make test also runs the test binaries of every kernel tree that
# make kernel-source unpacked under $(O)/kernel/ (only KSRC's when given).
KTREES		:= $(if $(KSRC),,$(patsubst %/Makefile,%,$(wildcard $(O)/kernel/*/Makefile)))
KTEST_BINS	:= $(foreach t,$(KTREES),$(BACKENDS:%=$(OUT)/$(shell scripts/kernel-version.sh --core $(t))/test-%))

test: deps
	@$(MAKE) --no-print-directory all
	@$(foreach t,$(KTREES),$(MAKE) --no-print-directory KSRC=$(t) test-bins &&) true
	@scripts/run-tests.sh $(TEST_BINS) $(KTEST_BINS)

test-bins: $(TEST_BINS)

bench: deps
	@$(MAKE) --no-print-directory $(BENCH_BINS)
	@scripts/bench.sh $(BENCH_BINS)

compare:
	@$(PYTHON) scripts/compare.py $(if $(RUN),--run $(RUN) --by $(or $(BY),backend),$(A) $(B)) --threshold $(or $(THRESHOLD),5) \
		$(if $(TIME),--time $(TIME)) $(if $(FILTER),--filter '$(FILTER)')

history:
	@$(PYTHON) scripts/history.py --metric '$(METRIC)' $(if $(FILTER),--filter '$(FILTER)') $(or $(RESULTS),results/$(shell hostname))

plot:
	@$(PYTHON) scripts/plot.py $(RUN) $(if $(FILTER),--filter '$(FILTER)')

report:
	@$(PYTHON) scripts/report.py $(RUN) $(if $(FILTER),--filter '$(FILTER)') $(if $(BASELINE),--baseline $(BASELINE)) \
		$(if $(TIME),--time $(TIME))

perf: deps
	@$(MAKE) --no-print-directory $(BIN)/bench-$(or $(BACKEND),libc)
	@scripts/perf.sh $(BIN)/bench-$(or $(BACKEND),libc) '$(FILTER)'

fuzz:
	@scripts/fuzz.sh $(or $(FUZZ_SECONDS),60)

# Deliberate bugs, one at a time, in a scratch copy with its own O=: the fast
# tests must catch each (tests/mutate/mutations; MUTATIONS=id,id for some).
mutate:
	@$(PYTHON) tests/mutate/mutate.py $(if $(MUTATIONS),--only $(MUTATIONS))

soak: $(TEST_BINS)
	@scripts/soak.sh $(or $(SECONDS),60) $(TEST_BINS)

memcheck: deps
	@$(MAKE) --no-print-directory $(BENCH_BINS)
	@scripts/memcheck.sh $(BENCH_BINS)

# GIT=<repo> REF=<ref> [PATCHES= NAME=]: that ref's files into $(O)/kernel/git-<name>
# (NAME only from the command line: some systems export a NAME).
kernel-source:
	@$(if $(GIT),scripts/kernel-source.sh --git '$(GIT)' --ref '$(REF)' --patches '$(PATCHES)' \
		--name '$(if $(filter command line,$(origin NAME)),$(NAME))' --outdir $(O)/kernel,scripts/kernel-source.sh $(or $(KVER),6.12) $(O)/kernel/$(or $(KVER),6.12))

compare-kernels:
	@O='$(O)' GIT='$(GIT)' PATCHES='$(PATCHES)' scripts/compare-kernels.sh '$(A)' '$(B)'

# LAVA (scripts/lava.py, lava/): jobs per device type, a lab through lavacli,
# this machine's dispatcher for the qemu device type. The suite reaches the
# board as make dist's tarball (DIST_URL=) or a git tree built there (GIT= REF=).
DIST		?= $(O)/dist/io-pgtable-bench-$(ARCH)-$(CORE).tar.gz
LAVA_OUT	:= $(O)/lava
DEVICE_TYPE	?= qemu
LAVA_JOB	?= $(LAVA_OUT)/$(DEVICE_TYPE).yaml
LAVA_VARS	:= KERNEL_URL DTB_URL RAMDISK_URL NFSROOTFS_URL BOOT_URL ROOTFS_URL
LAVA_JOB_ARGS	= --device-type '$(DEVICE_TYPE)' --profile $(PROFILE) --filter '$(FILTER)' \
		  --backends '$(BACKENDS_ONLY)' --ksrc '$(BOARD_KSRC)' $(if $(TIMEOUT),--timeout $(TIMEOUT)) \
		  $(if $(GIT),--git '$(GIT)' --ref '$(REF)',--dist-url '$(DIST_URL)') \
		  $(foreach v,$(LAVA_VARS),$(if $($(v)),--set $(v)='$($(v))'))
BACKENDS_ONLY	:= $(if $(filter command line environment,$(origin BACKENDS)),$(BACKENDS))

dist: deps
	@$(MAKE) --no-print-directory $(BENCH_BINS)
	@scripts/lava-dist.sh $(DIST) $(BENCH_BINS)

lava-job:
	@$(PYTHON) scripts/lava.py job $(LAVA_JOB_ARGS) -o $(LAVA_JOB)

lava-submit:
	@$(if $(NO_DEPS),,scripts/deps.sh --lava &&) $(PYTHON) scripts/lava.py submit $(or $(JOB_FILES),$(LAVA_JOB))

lava-fetch:
	@$(if $(JOB)$(JOBS),,echo 'lava-fetch: name the job: JOB=<id> or JOBS="<id> <id>..."' >&2; exit 2;) \
	$(if $(NO_DEPS),,scripts/deps.sh --lava &&) $(PYTHON) scripts/lava.py fetch $(JOB) $(JOBS)

lava-parse:
	@$(PYTHON) scripts/lava.py parse '$(LOG)' --job '$(JOB)' --device '$(DEVICE)' --device-type '$(DEVICE_TYPE)'

# A booted arm64 kernel (scripts/vm-*.sh, vm/): Debian's kernel and busybox,
# fetched (never installed), and the suite's arm64 binaries (own core) in an
# initramfs under $(VM_DIR), booted by qemu-system-aarch64 -M virt,iommu=smmuv3.
VM_KVER		?= 6.12
VM_DIR		:= $(O)/vm/arm64
# The arm64 binaries are make ARCH=arm64's (shared with make test ARCH=arm64),
# built by a make of its own: this one's CC, CORE, BIN are the host's.
VM_BENCH_BINS	:= $(BACKENDS:%=$(O)/arm64/bench-%)
VM_TEST_BINS	:= $(BACKENDS:%=$(O)/arm64/test-%)
VM_SUBMAKE	:= env -u CC -u CXX -u CORE -u BIN -u RUNNER -u KSRC -u KVER \
		   $(MAKE) --no-print-directory ARCH=arm64 O=$(O) KSRC= NO_DEPS=1
# The in-kernel twin (kmod/): built against KDIR, the VM kernel's headers
# unless given; checked against a user-space build of that kernel's source.
KMOD_OUT	:= $(O)/kmod
KMOD_KO		:= $(KMOD_OUT)/iopgt_kmod.ko
VM_KSRC		:= $(O)/kernel/$(VM_KVER)
VM_KBENCH	:= $(O)/arm64/k$(VM_KVER)/bench-drvcache
VM_ARTEFACTS	= $(VM_BENCH_BINS) $(VM_TEST_BINS) $(wildcard $(KMOD_KO) $(VM_KBENCH)) scripts/kmod-run.sh
VM_HEADERS	= $(VM_DIR)/root/usr/src/linux-headers-$$(cat $(VM_DIR)/krelease)

vm-image:
	@$(if $(NO_DEPS),true,scripts/deps.sh --vm)
	@$(VM_SUBMAKE) $(VM_BENCH_BINS) $(VM_TEST_BINS)
	@scripts/vm-image.sh $(VM_DIR) $(VM_KVER) $(VM_ARTEFACTS)

vm: vm-image
	@scripts/vm-run.sh --timeout $(or $(VM_TIMEOUT),300) $(if $(RESULTS),--results $(RESULTS)) \
		$(VM_DIR) '$(or $(CMD),uname -a; ls /vm)'

vm-test: vm-image
	@scripts/vm-suite.sh test $(VM_DIR) $(VM_TEST_BINS)

vm-bench: vm-image
	@scripts/vm-suite.sh bench $(VM_DIR) $(VM_BENCH_BINS)

# The qemu device type end to end on this machine: LAVA's dispatcher
# (lava-run, lava/devices/qemu-local.yaml) boots make vm's kernel with a
# LAVA flavour of its initramfs and runs the job on make dist's arm64 tarball.
LAVA_RUN_DIST	:= $(O)/vm/dist/io-pgtable-bench-arm64-own.tar.gz
lava-run: vm-image
	@$(if $(NO_DEPS),true,scripts/deps.sh --lava-run)
	@$(VM_SUBMAKE) dist DIST=$(abspath $(LAVA_RUN_DIST))
	@scripts/lava-initrd.sh $(VM_DIR)/initrd.cpio.gz $(LAVA_OUT)/vm/initrd-lava.cpio.gz
	@$(PYTHON) scripts/lava.py job --device-type qemu --profile $(PROFILE) --filter '$(FILTER)' \
		--backends '$(BACKENDS_ONLY)' $(if $(TIMEOUT),--timeout $(TIMEOUT)) \
		--dist-url file://$(abspath $(LAVA_RUN_DIST)) --set KERNEL_URL=file://$(abspath $(VM_DIR)/Image) \
		--set RAMDISK_URL=file://$(abspath $(LAVA_OUT)/vm/initrd-lava.cpio.gz) -o $(LAVA_OUT)/qemu-local.yaml
	@$(PYTHON) scripts/lava.py run $(LAVA_OUT)/qemu-local.yaml --device-dict lava/devices/qemu-local.yaml \
		--output-dir $(LAVA_OUT)/run

kmod:
	@$(if $(KDIR),scripts/kmod-build.sh $(KDIR) $(KMOD_OUT),$(if $(NO_DEPS),,scripts/deps.sh --vm &&) \
		scripts/vm-fetch.sh $(VM_KVER) $(VM_DIR) && scripts/kmod-build.sh $(VM_HEADERS) $(KMOD_OUT))

# On a board (root): user space with KSRC= the running kernel's source, then
# the same rows in that kernel; KDIR=/lib/modules/$$(uname -r)/build.
bench-kmod: deps
	@$(if $(KSRC),,echo "bench-kmod: KSRC=<the running kernel's source> (make kernel-source KVER=...)" >&2; exit 2)
	@$(MAKE) --no-print-directory kmod KDIR=$(or $(KDIR),/lib/modules/$(shell uname -r)/build)
	@$(MAKE) --no-print-directory $(BIN)/bench-drvcache
	@d=$(or $(RESULTS),results)/$$(hostname)/$$(date -u +%Y%m%dT%H%M%SZ)-kmod; \
		$$([ "$$(id -u)" = 0 ] || echo sudo) scripts/kmod-run.sh $(KMOD_KO) $(BIN)/bench-drvcache $$d '$(FILTER)' && \
		$(PYTHON) scripts/kmod-check.py $$d

vm-kmod:
	@$(if $(NO_DEPS),true,scripts/deps.sh --vm --kernel $(VM_KVER))
	@$(MAKE) --no-print-directory kernel-source KVER=$(VM_KVER)
	@$(MAKE) --no-print-directory kmod NO_DEPS=1
	@env -u CC -u CXX -u CORE -u BIN -u RUNNER -u KVER $(MAKE) --no-print-directory ARCH=arm64 \
		O=$(O) KSRC=$(VM_KSRC) NO_DEPS=1 $(VM_KBENCH)
	@scripts/vm-image.sh $(VM_DIR) $(VM_KVER) $(KMOD_KO) $(VM_KBENCH) scripts/kmod-run.sh
	@scripts/vm-kmod.sh $(VM_DIR) $(VM_KBENCH)

# The SMMUv3 model against QEMU's SMMUv3 driven by the real arm-smmu-v3.
vm-smmu:
	@$(if $(NO_DEPS),true,scripts/deps.sh --vm)
	@$(MAKE) --no-print-directory kmod NO_DEPS=1
	@$(VM_SUBMAKE) $(O)/arm64/bench-libc
	@scripts/vm-image.sh $(VM_DIR) $(VM_KVER) $(KMOD_KO) $(O)/arm64/bench-libc
	@scripts/vm-smmu.sh $(VM_DIR)

help:
	@echo 'io-pgtable-bench targets (ARCH=$(ARCH) core=$(CORE) backends: $(BACKENDS))'
	@echo '  all              build bench-<backend> and test-<backend> under $(BIN)/'
	@echo '  bench            run the benchmarks (PROFILE=quick|full|cmp, FILTER=, BACKENDS=)'
	@echo '  test             run every test binary and the script tests (and each tree'
	@echo '                   in $(O)/kernel/ that make kernel-source unpacked)'
	@echo '  deps             install missing Debian packages (NO_DEPS=1 skips)'
	@echo '  compare          A=<run> B=<run>, or RUN=<run> BY=backend|core [THRESHOLD=5 TIME=cpu FILTER=]'
	@echo '  history          METRIC=<name> [FILTER=]: a metric across runs, change points'
	@echo '  plot             RUN=<run> [FILTER=]: PNG and SVG into <run>/plots/ (a committed run: build/views/)'
	@echo '  report           RUN=<run> [BASELINE=<run> FILTER= TIME=cpu]: one self-contained HTML report'
	@echo '  perf             FILTER=<regex> BACKEND=<b>: perf record/report/stat of one benchmark'
	@echo '  fuzz             libFuzzer against the reference model (FUZZ_SECONDS=60)'
	@echo '  mutate           each bug in tests/mutate/mutations, in a scratch copy: killed or survived, a score'
	@echo '  soak             SECONDS=N of map/unmap cycles per backend, memory over time'
	@echo '  memcheck         valgrind memcheck on a short bench run of every backend'
	@echo '  kernel-source    KVER=6.12|6.1: unpack Debian linux-source-<ver> into build/kernel/<ver>'
	@echo '                   GIT=<repo> REF=<ref> [PATCHES="a.patch b.mbox" NAME=]: from git, into build/kernel/git-<ref>'
	@echo '  compare-kernels  A= B= (each own, a <ksrc> dir, or with GIT=<repo> a ref; PATCHES= onto B): two cores interleaved'
	@echo '  test-bins        build only the test binaries (what make test runs per kernel tree)'
	@echo '  dist             ARCH=arm64 [KSRC=]: a tarball of the bench binaries a board runs ($(DIST))'
	@echo '  lava-job         DEVICE_TYPE=<type> DIST_URL=<url>|GIT=<repo> [REF= PROFILE= FILTER= BACKENDS=]: a LAVA job'
	@echo '  lava-submit      submit $(LAVA_JOB) (or JOB_FILES=) with lavacli (LAVA_IDENTITY=)'
	@echo '  lava-fetch       JOB=<id> or JOBS="...": a finished job into results/<device>/<run-id>/'
	@echo '  lava-parse       LOG=<job log> JOB=<id> DEVICE=<name> DEVICE_TYPE=<type>: the same from a recorded log'
	@echo '  lava-run         [FILTER= BACKENDS= PROFILE=]: the qemu job through a local lava-run, on the VM of make vm'
	@echo '  vm-image         [VM_KVER=6.12|6.1]: Debian arm64 kernel + initramfs with the suite into $(VM_DIR)/'
	@echo '  vm               CMD=<sh command> [RESULTS=<dir> VM_TIMEOUT=300]: boot it, run CMD, /results back'
	@echo '  vm-test          run-tests.sh in the VM (TEST_ARGS=--quick BACKENDS=)'
	@echo '  vm-bench         [FILTER= BACKENDS=]: benchmarks in the VM, JSON into results/<host>/<run-id>/'
	@echo '  kmod             build kmod/ against KDIR= (default: the VM kernel headers) into $(KMOD_OUT)/'
	@echo '  bench-kmod       KSRC=<source of the running kernel> (board, root): the same rows in user space and the kernel'
	@echo '  vm-kmod          [FILTER=]: bench-kmod inside the VM (Debian $(VM_KVER)), counters checked equal row by row'
	@echo '  vm-smmu          the SMMUv3 model against QEMU SMMUv3 commands from the real arm-smmu-v3 driver'
	@echo '  list-backends    print every backend this tree builds (what the scripts use)'
	@echo '  help             this list'
	@echo '  clean            remove $(O)/'
	@echo 'Variables: ARCH=arm64 CROSS_COMPILE= O=<dir> KSRC=<linux tree> SANITIZE=1|thread CC= CXX= V=1'
	@echo '           BENCH_MAP_DELAY_NS=<n> (a known map slowdown, built apart) TEST_ARGS=--quick'
	@echo '           BENCH_CORRUPT_PTE=1 (benchmarks verifying one wrongly mapped page, built apart)'

clean:
	rm -rf $(O)

.PHONY: list-backends
list-backends:
	@echo $(ALL_BACKENDS)

# ------------------------------------------------------------ pattern rules
$(OBJ)/tests/%.o: CPPFLAGS += -Itests

$(OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(call quiet,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(OBJ)/%.o: %.cc
	@mkdir -p $(@D)
	$(call quiet,CXX,$<)
	$(Q)$(CXX) $(CPPFLAGS) $(ALL_CXXFLAGS) -c $< -o $@

ifneq ($(KSRC),)
# Regenerated on every run, replaced only when it changes (another tree,
# edited sources): the kernel objects depend on it. A header the shims lack
# stops the build here, in one line; kernel-cc.sh does the same for the
# first name the compiler does not know.
$(KGEN): FORCE
	@mkdir -p $(@D)
	@scripts/kernel-version.sh --check $(KSRC)
	@scripts/kernel-version.sh --features $(KSRC) >$@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(KOBJ)/%.o: $(KSRC)/drivers/iommu/%.c $(KGEN)
	@mkdir -p $(@D)
	$(call quiet,CC,$<)
	$(Q)scripts/kernel-cc.sh $(CC) $(KCPPFLAGS) $(ALL_CFLAGS) $(KCFLAGS) -c $< -o $@

$(KOBJ)/kcore.o: shims/kernel/kver/kcore.c $(KGEN)
	@mkdir -p $(@D)
	$(call quiet,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) -I$(KOBJ) $(ALL_CFLAGS) -c $< -o $@

# The own core with every global it defines prefixed own_ (references
# between its objects too): alloc_io_pgtable_ops & co. are the kernel's,
# and its weak-declared extras (pgtable_stats_get...) stay unresolved, as
# they must be for a kernel core.
KOWN_SRC_OBJS	:= $(patsubst %.c,$(OBJ)/%.o,$(wildcard src/pgtable/*.c))
$(KOBJ)/own/%.o: $(OBJ)/src/pgtable/%.o $(KOWN_SRC_OBJS)
	@mkdir -p $(@D)
	$(call quiet,OBJCOPY,$@)
	$(Q)$(OBJCOPY) $$($(NM) -g --defined-only $(KOWN_SRC_OBJS) | \
		awk 'NF == 3 { printf " --redefine-sym %s=own_%s", $$3, $$3 }') $< $@

.PHONY: FORCE
FORCE:
.PRECIOUS: $(KOBJ)/%.o $(KOBJ)/own/%.o
endif

# ---------------------------------------------------------------- binaries
.SECONDEXPANSION:
$(BIN)/bench-%: $(BENCH_OBJS) $(CORE_OBJS) $(LIB_OBJS) $(OBJ)/src/alloc/%.o
	$(call quiet,LD,$@)
	$(Q)$(CXX) $(ALL_CXXFLAGS) -o $@ $^ $(BENCH_LDLIBS)

$(BIN)/test-%: $(TEST_OBJS) $(CORE_OBJS) $(LIB_OBJS) $(OBJ)/src/alloc/%.o $$(addprefix $(OBJ)/,$$(addsuffix .o,$$(basename $$(wildcard tests/alloc/$$*.c))))
	$(call quiet,LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

# libFuzzer targets, built by scripts/fuzz.sh with clang (make fuzz): the
# shared decoder of tests/reliability/fuzz_ops.c and tests/lib, no harness.
$(BIN)/fuzz-%: $(patsubst %.c,$(OBJ)/%.o,$(wildcard tests/fuzz/*.c tests/lib/*.c) tests/reliability/fuzz_ops.c) $(CORE_OBJS) $(LIB_OBJS) $(OBJ)/src/alloc/%.o
	$(call quiet,LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

.PRECIOUS: $(OBJ)/%.o
-include $(shell find $(O) -name '*.d' -type f 2>/dev/null)
