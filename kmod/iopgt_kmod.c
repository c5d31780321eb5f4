// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel twin of the suite's map/unmap/cmp rows: the running
 * kernel's own io-pgtable-arm, through alloc_io_pgtable_ops() with TLB
 * callbacks and a table allocator (cfg->alloc, as a driver's) that count,
 * driven the way bench/map.c and bench/unmap.c drive the user-space cores:
 * rounds of up to 65536 calls on a fresh page table, the same IOVA layout
 * (paddr = iova ^ 1 << (oas - 2)), setup and verification untimed, and
 * iommu_map()/iommu_unmap() with the IOMMU core's page-size split and one
 * sync per unmap. Rows are named as in user space with the core
 * "live-<release>", so make compare BY=core lines them up.
 *
 * debugfs, iopgt-bench/:
 *   rows     write "<benchmark name> <iterations>" lines: each row runs at
 *            once for exactly that many calls (the user-space row's count,
 *            so that every per-call counter must be equal); "reset" clears
 *   results  read: Google Benchmark JSON of every row run since the reset
 * Rows this module cannot run (non-coherent walkers, random order) come
 * back with error_occurred and the reason.
 */
#include <linux/debugfs.h>
#include <linux/io-pgtable.h>
#include <linux/iommu.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>

/* Page sizes by granule and the IOMMU core's split: the user-space code. */
#include "iommu-core/pgsize.h"

#define ROUND_MAX_SLOTS		65536
#define ROUND_MAX_TABLE_BYTES	(8UL << 20)
#define OUT_SIZE		(1UL << 20)
#define BENCH_PROT		(IOMMU_READ | IOMMU_WRITE)
#define ROW_OAS			48	/* ias and oas of every table, as user space's */

struct counters {
	u64 tables_alloc, tables_freed, add_page, flush_walk, flush_all, syncs;
};

struct row {
	char name[192];
	bool unmap, via_core, warm, sparse;
	enum io_pgtable_fmt fmt;
	size_t granule, pgsize, pgcount;
	/* layout */
	size_t region, stride, slots;
	u64 pa_xor;
	unsigned long *iova;
	/* what the callbacks count */
	struct counters cnt;
	struct io_pgtable_ops *ops;
};

static DEFINE_MUTEX(lock);
static char *out;
static size_t out_len, rows_done;
static struct dentry *dir;
static char core[80];

/* ------------------------------------------------ counting callbacks */

static void cb_flush_all(void *cookie)
{
	((struct row *)cookie)->cnt.flush_all++;
}

static void cb_flush_walk(unsigned long iova, size_t size, size_t granule, void *cookie)
{
	((struct row *)cookie)->cnt.flush_walk++;
}

static void cb_add_page(struct iommu_iotlb_gather *gather, unsigned long iova,
			size_t granule, void *cookie)
{
	((struct row *)cookie)->cnt.add_page++;
}

static const struct iommu_flush_ops count_flush_ops = {
	.tlb_flush_all = cb_flush_all,
	.tlb_flush_walk = cb_flush_walk,
	.tlb_add_page = cb_add_page,
};

/* Zeroed, size-aligned tables, as cfg->alloc must give. */
static void *cb_alloc(void *cookie, size_t size, gfp_t gfp)
{
	void *p = (void *)__get_free_pages(gfp | __GFP_ZERO, get_order(size));

	if (p)
		((struct row *)cookie)->cnt.tables_alloc++;
	return p;
}

static void cb_free(void *cookie, void *pages, size_t size)
{
	((struct row *)cookie)->cnt.tables_freed++;
	free_pages((unsigned long)pages, get_order(size));
}

/* ------------------------------------------------ the IOMMU core's loops */

static int core_map(struct row *r, unsigned long iova, phys_addr_t paddr, size_t size)
{
	unsigned long bitmap = iommu_granule_pgsizes(r->granule, ROW_OAS);
	int ret;

	while (size) {
		size_t count, mapped = 0;
		size_t pgsize = iommu_pgsize(bitmap, iova, paddr, size, &count);

		ret = r->ops->map_pages(r->ops, iova, paddr, pgsize, count, BENCH_PROT,
					GFP_KERNEL, &mapped);
		size -= mapped;
		if (ret)
			return ret;
		iova += mapped;
		paddr += mapped;
	}
	return 0;
}

static size_t core_unmap(struct row *r, unsigned long iova, size_t size)
{
	unsigned long bitmap = iommu_granule_pgsizes(r->granule, ROW_OAS);
	struct iommu_iotlb_gather gather;
	size_t unmapped = 0, count, done, pgsize;

	iommu_iotlb_gather_init(&gather);
	while (unmapped < size) {
		pgsize = iommu_pgsize(bitmap, iova, iova, size - unmapped, &count);
		done = r->ops->unmap_pages(r->ops, iova, pgsize, count, &gather);
		if (!done)
			break;
		iova += done;
		unmapped += done;
	}
	r->cnt.syncs++;		/* iommu_iotlb_sync(): the gather's one sync */
	return unmapped;
}

/* ------------------------------------------------ rows */

/* "<concern>/<core>/<fmt>-<granule>/..." into @r; 0 or a reason. */
static const char *parse_size(const char *s, size_t *v)
{
	char *end;
	unsigned long long n = simple_strtoull(s, &end, 10);

	switch (*end) {
	case 'k': n <<= 10; break;
	case 'm': n <<= 20; break;
	case 'g': n <<= 30; break;
	case 't': n <<= 40; break;
	default: return "bad size";
	}
	*v = n;
	return NULL;
}

static const char *field(const char *name, const char *key)
{
	const char *p = strstr(name, key);

	return p ? p + strlen(key) : NULL;
}

static const char *parse_row(struct row *r, const char *name)
{
	char concern[8], fmt[4], gran[8];
	const char *p;

	/* The kernel's sscanf cannot skip a %[ set: step over the core by hand. */
	p = strchr(name, '/');
	p = p ? strchr(p + 1, '/') : NULL;
	if (sscanf(name, "%7[^/]", concern) != 1 || !p ||
	    sscanf(p + 1, "%3[^-]-%7[^/]", fmt, gran) != 2)
		return "not <concern>/<core>/<fmt>-<granule>/...";
	if (!strcmp(fmt, "s1"))
		r->fmt = ARM_64_LPAE_S1;
	else if (!strcmp(fmt, "s2"))
		r->fmt = ARM_64_LPAE_S2;
	else
		return "format not run in the module (s1 and s2 only)";
	if (parse_size(gran, &r->granule) || !iommu_granule_pgsizes(r->granule, ROW_OAS))
		return "bad granule";
	if (!strcmp(concern, "cmp")) {
		r->via_core = r->warm = true;
		r->unmap = field(name, "/op:unmap") != NULL;
		p = field(name, "/size:");
		if (!p || sscanf(p, "%zux", &r->pgcount) != 1 || !strchr(p, 'x') ||
		    parse_size(strchr(p, 'x') + 1, &r->pgsize))
			return "bad cmp size";
		/* Variants (e.g. /path:...) call other entry points: not these. */
		if (strchr(p, '/'))
			return "cmp variant not run in the module (iommu_map/iommu_unmap only)";
		return NULL;
	}
	if (strcmp(concern, "map") && strcmp(concern, "unmap"))
		return "concern not run in the module (map, unmap, cmp)";
	r->unmap = !strcmp(concern, "unmap");
	p = field(name, "/pgsize:");
	if (!p || parse_size(p, &r->pgsize))
		return "bad pgsize";
	p = field(name, "/count:");
	if (!p || sscanf(p, "%zu", &r->pgcount) != 1)
		return "bad count";
	if (field(name, "/pattern:rand/"))
		return "pattern:rand not run in the module";
	r->sparse = field(name, "/pattern:sparse/") != NULL;
	r->warm = field(name, "/tables:warm/") != NULL;
	if (!field(name, "/walk:coherent"))
		return "walk:noncoherent not run in the module (needs a DMA device)";
	return NULL;
}

/* bench/lib/matrix.c's layout: the same slots in the same order. */
static const char *layout(struct row *r)
{
	unsigned int bits = ROW_OAS;
	size_t span = r->pgsize * (r->granule / 8);
	u64 space = 1ULL << (bits - 1), tables, span_bytes;
	size_t i;

	r->region = r->pgsize * r->pgcount;
	r->stride = r->sparse ? round_up(r->region, span) : r->region;
	r->pa_xor = 1ULL << (bits - 2);
	if (r->stride > space || r->pgsize > r->pa_xor)
		return "layout: out of range";
	r->slots = min_t(u64, ROUND_MAX_SLOTS, div64_u64(space, r->stride));
	for (;;) {
		span_bytes = (u64)r->slots * r->stride;
		tables = div64_u64(span_bytes + span - 1, span) * 2 + 8;
		if (r->slots == 1 || tables * r->granule <= ROUND_MAX_TABLE_BYTES)
			break;
		r->slots /= 2;
	}
	r->iova = kvmalloc_array(r->slots, sizeof(*r->iova), GFP_KERNEL);
	if (!r->iova)
		return "layout: no memory";
	for (i = 0; i < r->slots; i++)
		r->iova[i] = i * r->stride;
	return NULL;
}

static const char *round_setup(struct row *r, size_t n)
{
	struct io_pgtable_cfg cfg = {
		.pgsize_bitmap = iommu_granule_pgsizes(r->granule, ROW_OAS),
		.ias = ROW_OAS, .oas = ROW_OAS,
		.coherent_walk = true,
		.tlb = &count_flush_ops,
		.alloc = cb_alloc,
		.free = cb_free,
	};
	size_t i, mapped;

	r->ops = alloc_io_pgtable_ops(r->fmt, &cfg, r);
	if (!r->ops)
		return "alloc_io_pgtable_ops failed";
	for (i = 0; i < n; i++) {
		unsigned long iova = r->iova[i];

		/* As bench/map.c and unmap.c: map_pages(pgsize, count), not the core. */
		if (!r->warm && !r->unmap)
			break;
		mapped = 0;
		if (r->ops->map_pages(r->ops, iova, iova ^ r->pa_xor, r->pgsize, r->pgcount,
				      BENCH_PROT, GFP_KERNEL, &mapped) || mapped != r->region)
			return "untimed pre-map failed";
		if (r->unmap)
			continue;
		/* Warm-up of a map row: the tables stay, the leaves go. */
		if (r->ops->unmap_pages(r->ops, iova, r->pgsize, r->pgcount, NULL) != r->region)
			return "untimed warm-up unmap failed";
	}
	return NULL;
}

static size_t round_run(struct row *r, size_t n)
{
	size_t i, mapped;

	for (i = 0; i < n; i++) {
		unsigned long iova = r->iova[i];

		if (r->unmap) {
			if (core_unmap(r, iova, r->region) != r->region)
				break;
		} else if (r->via_core) {
			if (core_map(r, iova, iova ^ r->pa_xor, r->region))
				break;
		} else {
			mapped = 0;
			if (r->ops->map_pages(r->ops, iova, iova ^ r->pa_xor, r->pgsize,
					      r->pgcount, BENCH_PROT, GFP_KERNEL, &mapped) ||
			    mapped != r->region)
				break;
		}
	}
	return i;
}

/* The first and last slot of the round, first and last byte of their first page. */
static const char *round_verify(struct row *r, size_t n)
{
	size_t pick[2] = { 0, n - 1 }, k, off;

	for (k = 0; k < 2; k++) {
		for (off = 0; off < r->pgsize; off += r->pgsize - 1) {
			unsigned long iova = r->iova[pick[k]] + off;
			phys_addr_t want = r->unmap ? 0 : iova ^ r->pa_xor;

			if (r->ops->iova_to_phys(r->ops, iova) != want)
				return "verification: iova_to_phys gave a wrong answer";
		}
	}
	return NULL;
}

/* Runs @r for @n calls; fills @sum and @ns. */
static const char *run_row(struct row *r, u64 n, struct counters *sum, u64 *ns)
{
	const char *err = NULL;
	u64 done = 0, t0;
	size_t k;

	memset(sum, 0, sizeof(*sum));
	*ns = 0;
	while (!err && done < n) {
		k = min_t(u64, r->slots, n - done);
		err = round_setup(r, k);
		if (!err) {
			memset(&r->cnt, 0, sizeof(r->cnt));
			t0 = ktime_get_ns();
			if (round_run(r, k) != k)
				err = r->unmap ? "iommu_unmap did not unmap it all" : "map failed";
			*ns += ktime_get_ns() - t0;
			sum->tables_alloc += r->cnt.tables_alloc;
			sum->tables_freed += r->cnt.tables_freed;
			sum->add_page += r->cnt.add_page;
			sum->flush_walk += r->cnt.flush_walk;
			sum->flush_all += r->cnt.flush_all;
			sum->syncs += r->cnt.syncs;
			if (!err)
				err = round_verify(r, k);
		}
		if (r->ops)
			free_io_pgtable_ops(r->ops);
		r->ops = NULL;
		done += k;
		cond_resched();
	}
	return err;
}

/* ------------------------------------------------ the real SMMUv3 */

/*
 * "smmu" (write "<bytes>" lines): ground truth for the TLB model. A PCI
 * device no driver claims (QEMU's pci-testdev, 1b36:0005) is put in an
 * IOMMU domain of this module's; each size is mapped, then unmapped through
 * the real arm-smmu-v3 driver, the unmap between two markers of two
 * iommu_flush_iotlb_all() each (CMD_TLBI_NH_ASID, CMD_SYNC twice over), so
 * that QEMU's command-queue trace shows which commands the unmap sent. Nothing is ever DMAed: the device stays idle.
 */
#define SMMU_IOVA	(4UL * SZ_1G)
#define SMMU_PA		(64UL * SZ_1G)

/*
 * Bound to the device so that the IOMMU core probes it (a device gets its
 * IOMMU group when a driver binds); driver_managed_dma: the module, not
 * the DMA API, owns its translations.
 */
static struct pci_dev *smmu_pdev;

static int smmu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	smmu_pdev = pdev;
	return 0;
}

static void smmu_remove(struct pci_dev *pdev)
{
	smmu_pdev = NULL;
}

static const struct pci_device_id smmu_ids[] = {
	{ PCI_DEVICE(0x1b36, 0x0005) },		/* QEMU's pci-testdev */
	{ }
};

static struct pci_driver smmu_driver = {
	.name = "iopgt_kmod_smmu",
	.id_table = smmu_ids,
	.probe = smmu_probe,
	.remove = smmu_remove,
	.driver_managed_dma = true,
};

static const char *smmu_unmap_size(size_t size)
{
	struct pci_dev *pdev = smmu_pdev;
	struct iommu_domain *dom;
	const char *err = NULL;

	if (!pdev)
		return "no pci-testdev (1b36:0005) in this machine";
	pci_dev_get(pdev);
	dom = iommu_paging_domain_alloc(&pdev->dev);
	if (IS_ERR(dom)) {
		pr_err("iopgt_kmod: %s: iommu_paging_domain_alloc: %ld (iommu %s)\n", pci_name(pdev),
		       PTR_ERR(dom), device_iommu_mapped(&pdev->dev) ? "mapped" : "none");
		pci_dev_put(pdev);
		return "iommu_paging_domain_alloc failed";
	}
	if (iommu_attach_device(dom, &pdev->dev)) {
		err = "iommu_attach_device failed";
		goto out;
	}
	if (iommu_map(dom, SMMU_IOVA, SMMU_PA, size, BENCH_PROT, GFP_KERNEL))
		err = "iommu_map failed";
	else {
		/* The marker: two ASID-wide flushes in a row, which nothing else sends. */
		iommu_flush_iotlb_all(dom);
		iommu_flush_iotlb_all(dom);
		if (iommu_unmap(dom, SMMU_IOVA, size) != size)
			err = "iommu_unmap did not unmap it all";
		iommu_flush_iotlb_all(dom);
		iommu_flush_iotlb_all(dom);
	}
	iommu_detach_device(dom, &pdev->dev);
out:
	iommu_domain_free(dom);
	pci_dev_put(pdev);
	return err;
}

static ssize_t smmu_write(struct file *f, const char __user *ubuf, size_t len, loff_t *pos)
{
	const char *err;
	size_t size;
	char buf[32];

	if (len >= sizeof(buf) || copy_from_user(buf, ubuf, len))
		return -EINVAL;
	buf[len] = '\0';
	if (parse_size(strim(buf), &size) || !size)
		return -EINVAL;
	mutex_lock(&lock);
	err = smmu_unmap_size(size);
	mutex_unlock(&lock);
	if (err)
		pr_err("iopgt_kmod: smmu %zu: %s\n", size, err);
	return err ? -EIO : len;
}

static const struct file_operations smmu_fops = {
	.owner = THIS_MODULE,
	.write = smmu_write,
};

/* ------------------------------------------------ JSON */

static __printf(1, 2) void emit(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_len += vscnprintf(out + out_len, OUT_SIZE - out_len, fmt, ap);
	va_end(ap);
}

/* v / n with nine decimals: no floating point in the kernel. */
static void emit_ratio(const char *key, u64 v, u64 n)
{
	u64 rem, whole = div64_u64_rem(v, n, &rem);

	emit(",\n      \"%s\": %llu.%09llu", key, whole, div64_u64(rem * 1000000000ULL, n));
}

static void emit_row(const char *name, u64 n, const struct counters *c, u64 ns,
		     const char *err)
{
	emit("%s\n    {\n      \"name\": \"%s\",\n      \"run_name\": \"%s\",\n"
	     "      \"run_type\": \"iteration\",\n      \"repetitions\": 1,\n"
	     "      \"repetition_index\": 0,\n      \"threads\": 1,\n      \"iterations\": %llu",
	     rows_done ? "," : "", name, name, n);
	if (err) {
		emit(",\n      \"error_occurred\": true,\n      \"error_message\": \"%s\"\n    }", err);
	} else {
		emit_ratio("real_time", ns, n);
		emit_ratio("cpu_time", ns, n);
		emit(",\n      \"time_unit\": \"ns\"");
		emit_ratio("tables_alloc", c->tables_alloc, n);
		emit_ratio("tables_freed", c->tables_freed, n);
		emit_ratio("tlb_add_page", c->add_page, n);
		emit_ratio("tlb_flush_walk", c->flush_walk, n);
		emit_ratio("tlb_flush_all", c->flush_all, n);
		emit_ratio("tlb_syncs", c->syncs, n);
		emit("\n    }");
	}
	rows_done++;
}

/* "<name> <iterations>": the name's core becomes live-<release>. */
static void run_line(char *line)
{
	struct row *r;
	struct counters sum = { 0 };
	const char *err;
	char *sp = strrchr(line, ' '), *c1, *c2;
	u64 n = 0, ns = 0;

	if (!sp || kstrtoull(sp + 1, 10, &n) || !n)
		return;
	*sp = '\0';
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return;
	c1 = strchr(line, '/');
	c2 = c1 ? strchr(c1 + 1, '/') : NULL;
	if (c1 && c2)
		snprintf(r->name, sizeof(r->name), "%.*s/%s%s", (int)(c1 - line), line, core, c2);
	else
		strscpy(r->name, line, sizeof(r->name));
	err = parse_row(r, line);
	if (!err)
		err = layout(r);
	if (!err)
		err = run_row(r, n, &sum, &ns);
	emit_row(r->name, n, &sum, ns, err);
	kvfree(r->iova);
	kfree(r);
}

static ssize_t rows_write(struct file *f, const char __user *ubuf, size_t len, loff_t *pos)
{
	char *buf, *line, *p;

	if (len > PAGE_SIZE * 4)
		return -E2BIG;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	mutex_lock(&lock);
	p = buf;
	while ((line = strsep(&p, "\n"))) {
		line = strim(line);
		if (!strcmp(line, "reset"))
			out_len = rows_done = 0;
		else if (*line)
			run_line(line);
	}
	mutex_unlock(&lock);
	kfree(buf);
	return len;
}

static ssize_t results_read(struct file *f, char __user *ubuf, size_t len, loff_t *pos)
{
	char *doc;
	size_t n;
	ssize_t ret;

	doc = kvmalloc(OUT_SIZE + 1024, GFP_KERNEL);
	if (!doc)
		return -ENOMEM;
	mutex_lock(&lock);
	n = scnprintf(doc, 1024, "{\n  \"context\": {\n    \"suite\": \"io-pgtable-bench\",\n"
		      "    \"backend\": \"drvcache\",\n"
		      "    \"backend_describe\": \"the running kernel's io-pgtable-arm; tables through cfg->alloc (__get_free_pages)\",\n"
		      "    \"core\": \"%s\",\n    \"core_version\": \"%s\",\n"
		      "    \"arch\": \"arm64\",\n    \"kernel_module\": \"iopgt_kmod\"\n  },\n"
		      "  \"benchmarks\": [", core, init_utsname()->release);
	memcpy(doc + n, out, out_len);
	n += out_len;
	n += scnprintf(doc + n, 16, "\n  ]\n}\n");
	mutex_unlock(&lock);
	ret = simple_read_from_buffer(ubuf, len, pos, doc, n);
	kvfree(doc);
	return ret;
}

static const struct file_operations rows_fops = {
	.owner = THIS_MODULE,
	.write = rows_write,
};

static const struct file_operations results_fops = {
	.owner = THIS_MODULE,
	.read = results_read,
};

static int __init iopgt_kmod_init(void)
{
	out = kvzalloc(OUT_SIZE, GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	snprintf(core, sizeof(core), "live-%s", init_utsname()->release);
	dir = debugfs_create_dir("iopgt-bench", NULL);
	debugfs_create_file("rows", 0200, dir, NULL, &rows_fops);
	debugfs_create_file("results", 0400, dir, NULL, &results_fops);
	debugfs_create_file("smmu", 0200, dir, NULL, &smmu_fops);
	/* No such device is no error: the smmu file then says so. */
	if (pci_register_driver(&smmu_driver))
		pr_warn("iopgt_kmod: cannot register the pci-testdev driver\n");
	return 0;
}

static void __exit iopgt_kmod_exit(void)
{
	debugfs_remove_recursive(dir);
	pci_unregister_driver(&smmu_driver);
	kvfree(out);
}

module_init(iopgt_kmod_init);
module_exit(iopgt_kmod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("io-pgtable-bench: the suite's map/unmap rows through the running kernel's io-pgtable-arm");
