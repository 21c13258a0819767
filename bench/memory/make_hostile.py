#!/usr/bin/env python3
"""Writes the hostile images of issue 18 item 5 into DIR (never committed).

Each is tiny on disk and huge when decoded: constant pixels compress to almost
nothing. Usage: make_hostile.py DIR
"""
import os
import struct
import sys
import zlib


def png(path, w, h, depth, color, interlace=False):
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[color]
    row = b"\0" + bytes(w * channels * depth // 8)  # filter byte + zero samples

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    z = zlib.compressobj(9)
    parts = []
    if interlace:
        # Adam7: 7 passes, each with its own rows of its own width.
        passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4),
                  (1, 0, 2, 2), (0, 1, 1, 2)]
        for x0, y0, dx, dy in passes:
            pw, ph = (w - x0 + dx - 1) // dx, (h - y0 + dy - 1) // dy
            if pw <= 0 or ph <= 0:
                continue
            prow = b"\0" + bytes(pw * channels * depth // 8)
            for _ in range(ph):
                parts.append(z.compress(prow))
    else:
        for _ in range(h):
            parts.append(z.compress(row))
    parts.append(z.flush())
    ihdr = struct.pack(">IIBBBBB", w, h, depth, color, 0, 0, 1 if interlace else 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"".join(parts)) +
                chunk(b"IEND", b""))


class Bits:
    def __init__(self):
        self.value, self.n = 0, 0

    def put(self, v, nbits):  # VP8L packs LSB first
        self.value |= v << self.n
        self.n += nbits

    def bytes(self):
        return self.value.to_bytes((self.n + 7) // 8, "little")


def webp_lossless(path, w, h, alpha=False):
    """A VP8L bitstream with no transforms and five one-symbol prefix codes:
    every pixel costs zero bits, so any size fits in a few bytes."""
    b = Bits()
    b.put(0x2F, 8)
    b.put(w - 1, 14)
    b.put(h - 1, 14)
    b.put(1 if alpha else 0, 1)
    b.put(0, 3)  # version
    b.put(0, 1)  # no transform
    b.put(0, 1)  # no colour cache
    b.put(0, 1)  # no meta prefix codes
    for _ in range(5):  # green, red, blue, alpha, distance
        b.put(1, 1)  # simple code
        b.put(0, 1)  # one symbol
        b.put(1, 1)  # 8-bit symbol
        b.put(0, 8)
    vp8l = b.bytes()
    if len(vp8l) % 2:
        vp8l += b"\0"
    body = b"WEBP" + b"VP8L" + struct.pack("<I", len(b.bytes())) + vp8l
    with open(path, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", len(body)) + body)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    j = lambda n: os.path.join(out, n)
    png(j("png16-rgba-9999x9999.png"), 9999, 9999, 16, 6)
    png(j("png8-rgba-9999x9999.png"), 9999, 9999, 8, 6)
    png(j("png8-rgba-9999x9999-interlaced.png"), 9999, 9999, 8, 6, interlace=True)
    png(j("png16-rgba-6000x4000.png"), 6000, 4000, 16, 6)
    png(j("png8-rgb-6000x4000.png"), 6000, 4000, 8, 2)
    webp_lossless(j("webp-lossless-16383x6103.webp"), 16383, 6103)
    webp_lossless(j("webp-lossless-6000x4000.webp"), 6000, 4000)


if __name__ == "__main__":
    main()
