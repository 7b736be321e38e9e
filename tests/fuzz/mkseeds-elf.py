#!/usr/bin/env python3
"""Writes the seed inputs of fuzz_elf into tests/fuzz/corpus/elf: small ELF
objects of both classes and byte orders (an executable with PT_INTERP and a
shared object with DT_NEEDED, DT_SONAME, DT_RPATH and DT_RUNPATH) and a
new-format ld.so.cache, each a few hundred bytes, so that the fuzzer starts
from every structure elf_parse and elf_ldcache_parse understand.
Run it from the top of the tree; the output is committed."""
import os
import struct

OUT = "tests/fuzz/corpus/elf"
PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3
DT_NULL, DT_NEEDED, DT_STRTAB, DT_STRSZ, DT_SONAME, DT_RPATH, DT_RUNPATH = 0, 1, 5, 10, 14, 15, 29


def elf(is64, msb, machine, interp, needed, soname=None, rpath=None, runpath=None):
    e = ">" if msb else "<"
    ehsize, phentsize = (64, 56) if is64 else (52, 32)
    strtab = b"\0"
    offs = {}
    for s in needed + [x for x in (soname, rpath, runpath) if x]:
        offs[s] = len(strtab)
        strtab += s.encode() + b"\0"
    dyn = [(DT_NEEDED, offs[n]) for n in needed]
    if soname:
        dyn.append((DT_SONAME, offs[soname]))
    if rpath:
        dyn.append((DT_RPATH, offs[rpath]))
    if runpath:
        dyn.append((DT_RUNPATH, offs[runpath]))
    nph = 3 if interp else 2
    phoff = ehsize
    data_off = phoff + nph * phentsize
    interp_b = interp.encode() + b"\0" if interp else b""
    str_off = data_off + len(interp_b)
    dyn_off = (str_off + len(strtab) + 7) & ~7
    vaddr = 0x400000
    dyn.append((DT_STRTAB, vaddr + str_off))
    dyn.append((DT_STRSZ, len(strtab)))
    dyn.append((DT_NULL, 0))
    word = "Q" if is64 else "I"
    dyn_b = b"".join(struct.pack(e + (("q" if is64 else "i") + word), t, v) for t, v in dyn)
    total = dyn_off + len(dyn_b)

    def ph(typ, off, filesz, va):
        if is64:
            return struct.pack(e + "IIQQQQQQ", typ, 5, off, va, va, filesz, filesz, 8)
        return struct.pack(e + "IIIIIIII", typ, off, va, va, filesz, filesz, 5, 4)

    phs = b""
    if interp:
        phs += ph(PT_INTERP, data_off, len(interp_b), vaddr + data_off)
    phs += ph(PT_LOAD, 0, total, vaddr)
    phs += ph(PT_DYNAMIC, dyn_off, len(dyn_b), vaddr + dyn_off)
    ident = b"\x7fELF" + bytes([2 if is64 else 1, 2 if msb else 1, 1]) + b"\0" * 9
    etype = 2 if interp else 3
    if is64:
        hdr = ident + struct.pack(e + "HHIQQQIHHHHHH", etype, machine, 1, vaddr, phoff, 0, 0,
                                  ehsize, phentsize, nph, 64, 0, 0)
    else:
        hdr = ident + struct.pack(e + "HHIIIIIHHHHHH", etype, machine, 1, vaddr, phoff, 0, 0,
                                  ehsize, phentsize, nph, 40, 0, 0)
    img = hdr + phs + interp_b + strtab
    img += b"\0" * (dyn_off - len(img)) + dyn_b
    return img


def ldcache(entries):
    """glibc-ld.so.cache1.1: header, entries, then the strings (offsets from the header)."""
    hdr_len, ent_len = 48, 24
    strings = b""
    ents = b""
    base = hdr_len + ent_len * len(entries)
    for key, value in entries:
        k = base + len(strings)
        strings += key.encode() + b"\0"
        v = base + len(strings)
        strings += value.encode() + b"\0"
        ents += struct.pack("<iIIIQ", 0x0303, k, v, 0, 0)
    hdr = b"glibc-ld.so.cache" + b"1.1" + struct.pack("<II", len(entries), len(strings))
    hdr += b"\0" * (hdr_len - len(hdr))
    return hdr + ents + strings


def main():
    os.makedirs(OUT, exist_ok=True)
    seeds = {
        "exec64": elf(True, False, 62, "/lib64/ld-linux-x86-64.so.2", ["libc.so.6"], runpath="$ORIGIN/../lib"),
        "lib64": elf(True, False, 62, None, ["libm.so.6", "libc.so.6"], soname="libfoo.so.1",
                     rpath="${ORIGIN}:/opt/$LIB", runpath="/usr/$PLATFORM/lib"),
        "exec32": elf(False, False, 3, "/lib/ld-linux.so.2", ["libc.so.6"]),
        "lib32msb": elf(False, True, 8, None, ["libc.so.6"], soname="libbar.so"),
        "exec64msb": elf(True, True, 22, "/lib/ld64.so.1", ["libc.so.6"], rpath="$ORIGIN"),
        "ldcache": ldcache([("libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6"),
                            ("libm.so.6", "/lib/x86_64-linux-gnu/libm.so.6"),
                            ("libfoo.so.1", "/usr/local/lib/libfoo.so.1")]),
    }
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


main()
