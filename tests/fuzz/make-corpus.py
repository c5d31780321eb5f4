#!/usr/bin/python3
# Write the seed corpus: one small input per configuration family, each
# with a hand-made op sequence that reaches every kind of call (see
# tests/reliability/fuzz_ops.h for the layout). Deterministic: rerunning it
# rewrites the same files. Usage: tests/fuzz/make-corpus.py [outdir]
import os
import struct
import sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")
os.makedirs(out, exist_ok=True)

OAS = {32: 0, 36: 1, 40: 2, 42: 3, 44: 4, 48: 5}
GRAN = {"4k": 0, "16k": 1, "64k": 2}


def header(fmt, gran, ias, oas, coherent=True, fault=0, param=0):
    c = (fmt == "s2") | GRAN[gran] << 1 | (0 if coherent else 8) | fault << 4
    return bytes([c, (ias - 32) % 17, OAS[oas], param])


def map_pages(sel, slot, pslot, count, prot=3, write=False):
    return bytes([0 | (8 if write else 0), sel]) + struct.pack("<HH", slot, pslot) + bytes([count, prot])


def unmap_pages(sel, slot, count):
    return bytes([2, sel]) + struct.pack("<H", slot) + bytes([count])


def lookup(slot, off, on_leaf=True):
    return bytes([3 | (8 if on_leaf else 0)]) + struct.pack("<H", slot) + bytes([off])


def iommu_map(sel, slot, pslot, count, blocks=False, iova_by_size=False, page_paddr=False):
    opc = 4 | (8 if page_paddr else 0) | (0x40 if iova_by_size else 0) | (0x80 if blocks else 0)
    return bytes([opc, sel]) + struct.pack("<HH", slot, pslot) + bytes([count])


def iommu_unmap(k, extra):
    return bytes([5]) + struct.pack("<H", k) + bytes([extra])


def bad(kind, slot=7):
    return bytes([6, kind]) + struct.pack("<H", slot)


def faults(every):
    return bytes([7, every])


def program():
    """Every op kind, overlaps and partial unmaps included."""
    ops = b""
    ops += map_pages(0, 1, 10, 16)            # 16 pages
    ops += map_pages(0, 4, 20, 2)             # overlaps page 4: -EEXIST
    ops += lookup(0, 3) + lookup(100, 0, False)
    ops += map_pages(1, 3, 3, 1)              # a block (where the granule has one)
    ops += map_pages(0, 3 << 9, 1, 1)         # a page inside that block: -EEXIST
    ops += unmap_pages(0, 3 << 9, 1)          # partial block -> whole-block unmap
    ops += unmap_pages(0, 1, 8)               # half the pages
    ops += unmap_pages(1, 0, 1)               # the table under them, whole
    ops += iommu_map(1, 0x200, 0x40, 3, blocks=True, iova_by_size=True)
    ops += iommu_map(0, 0x1001, 0x77, 40, page_paddr=True)
    ops += iommu_unmap(0, 3) + iommu_unmap(5, 15)
    ops += b"".join(bad(k) for k in range(9))
    ops += map_pages(1, 9, 9, 4) + lookup(1, 9)
    return ops


seeds = []
for fmt in ("s1", "s2"):
    for gran in ("4k", "16k", "64k"):
        seeds.append((f"{fmt}-{gran}-48", header(fmt, gran, 48, 48) + program()))
seeds.append(("s1-4k-32-noncoherent", header("s1", "4k", 32, 40, coherent=False) + program()))
seeds.append(("s2-4k-40-concat", header("s2", "4k", 40, 40) + program()))
seeds.append(("s1-16k-36-oas36", header("s1", "16k", 36, 36) + program()))
seeds.append(("s1-64k-42-noncoherent", header("s1", "64k", 42, 44, coherent=False) + program()))
seeds.append(("s1-4k-fail-nth", header("s1", "4k", 48, 48, fault=1, param=2) + program()))
seeds.append(("s2-64k-fail-every", header("s2", "64k", 48, 48, fault=2, param=1) + program()))
seeds.append(("s1-4k-faults-midway", header("s1", "4k", 39, 48) + program()[:40] + faults(2) + program() + faults(1) + program()))
seeds.append(("refused-oas-37", bytes([0, 16, 0xe2, 0]) + program()))

for name, data in seeds:
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(f"{len(seeds)} seeds in {out}")
