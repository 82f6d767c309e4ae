#!/usr/bin/env python3
"""Mark libLibTorchSharp.so's GLIBCXX_3.4.32 requirement weak, where the system libstdc++ lacks it.

TorchSharp 0.107 links one symbol, std::ios_base_library_init, at version GLIBCXX_3.4.32 and never
calls it. Debian 12's libstdc++ stops at 3.4.30, so the dynamic loader refuses the library and TorchSharp
reports a misleading "missing libtorch reference". glibc's loader treats a version requirement whose
Vernaux entry carries VER_FLG_WEAK as a warning, not an error, so flipping that one flag is enough.

Usage: weaken_glibcxx.py OUTPUT_DIR   (patches every libLibTorchSharp.so below it; idempotent)
"""
import os
import struct
import subprocess
import sys

VERSION = b"GLIBCXX_3.4.32"
VER_FLG_WEAK = 0x2
SHT_GNU_VERNEED = 0x6FFFFFFE


def system_libstdcxx():
    try:
        out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    except OSError:
        out = ""
    for line in out.splitlines():
        if "libstdc++.so.6" in line and "x86-64" in line and "=>" in line:
            return line.split("=>")[1].strip()
    for p in ("/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6"):
        if os.path.exists(p):
            return p
    return None


def weaken(path):
    """Returns 'patched', 'already weak' or 'not required'."""
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise SystemExit(f"{path}: not a 64-bit little-endian ELF file")
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        status = "not required"
        for sh in sections:
            if sh[1] != SHT_GNU_VERNEED:
                continue
            strtab_off = sections[sh[6]][4]  # sh_link names the string table
            off, count = sh[4], sh[7]         # sh_info is the number of Verneed entries
            for _ in range(count):
                _, vn_cnt, _, vn_aux, vn_next = struct.unpack_from("<HHIII", data, off)
                aux = off + vn_aux
                for _ in range(vn_cnt):
                    _, flags, _, name, next_aux = struct.unpack_from("<IHHII", data, aux)
                    start = strtab_off + name
                    if bytes(data[start:data.index(0, start)]) == VERSION:
                        if flags & VER_FLG_WEAK:
                            status = "already weak"
                        else:
                            struct.pack_into("<H", data, aux + 4, flags | VER_FLG_WEAK)
                            status = "patched"
                    aux += next_aux
                off += vn_next
        if status == "patched":
            tmp = path + ".tmp"
            with open(tmp, "wb") as t:
                t.write(data)
            os.chmod(tmp, os.stat(path).st_mode)
            os.replace(tmp, path)
        return status


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    lib = system_libstdcxx()
    if lib and VERSION in open(lib, "rb").read():
        return  # the system provides the version: leave TorchSharp's library untouched
    for dirpath, _, files in os.walk(root):
        for name in files:
            if name == "libLibTorchSharp.so":
                path = os.path.join(dirpath, name)
                print(f"weaken_glibcxx: {path}: {weaken(path)}")


if __name__ == "__main__":
    main()
