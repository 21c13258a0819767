#!/usr/bin/env python3
"""PSNR (dB) of binary PPM (P6, 8-bit) B against reference A, over R, G and B.
Usage: psnr.py A.ppm B.ppm"""
import math
import sys


def read_ppm(path):
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    assert fields[0] == b"P6" and fields[3] == b"255", path
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[pos + 1:pos + 1 + w * h * 3]


wa, ha, a = read_ppm(sys.argv[1])
wb, hb, b = read_ppm(sys.argv[2])
assert (wa, ha) == (wb, hb), "sizes differ"
se = sum((x - y) * (x - y) for x, y in zip(a, b))
mse = se / len(a)
print("inf" if mse == 0 else "%.2f" % (10 * math.log10(255 * 255 / mse)))
