#!/usr/bin/env python3
"""Writes N distinct small PNGs (96x72 random RGB noise, ~20 KB each) into DIR."""
import os, random, struct, sys, zlib

folder, n = sys.argv[1], int(sys.argv[2])
os.makedirs(folder, exist_ok=True)
rng = random.Random(13)


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


w, h = 96, 72
for i in range(n):
    rows = b"".join(b"\0" + bytes(rng.getrandbits(8) for _ in range(w * 3)) for _ in range(h))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    with open(os.path.join(folder, f"img-{i:05d}.png"), "wb") as f:
        f.write(png)
