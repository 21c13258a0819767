#!/usr/bin/env python3
"""Copies a GIF keeping its first N frames (header, colour table and the
extensions before each kept frame), so a real animation of any length can be
benchmarked. Usage: trim_gif.py IN OUT N"""
import sys


def sub_blocks_end(b, p):
    while True:
        n = b[p]
        p += 1
        if n == 0:
            return p
        p += n


def main():
    src, dst, keep = sys.argv[1], sys.argv[2], int(sys.argv[3])
    b = open(src, "rb").read()
    flags = b[10]
    p = 13 + ((3 << ((flags & 7) + 1)) if flags & 0x80 else 0)
    out = bytearray(b[:p])
    frames = 0
    while p < len(b) and frames < keep:
        start = p
        kind = b[p]
        p += 1
        if kind == 0x21:
            p = sub_blocks_end(b, p + 1)
        elif kind == 0x2C:
            f = b[p + 8]
            p += 9 + ((3 << ((f & 7) + 1)) if f & 0x80 else 0) + 1
            p = sub_blocks_end(b, p)
            frames += 1
        else:
            break
        out += b[start:p]
    out += b"\x3b"
    open(dst, "wb").write(out)
    print(f"{dst}: {frames} frames, {len(out)} bytes")


main()
