#!/usr/bin/env python3
"""Writes the BMP variants ImageMagick cannot: RLE4 and top-down files.

    python3 bmp.py   (in this folder; reads palette4.bmp, rgb24.bmp and
                      rle8-flipped.bmp, writes rle4.bmp, rgb24-topdown.bmp
                      and rle8-topdown.bmp; see README)

Each output holds the same pixels as its input, re-encoded, so every file
must scan to the same payload.
"""
import struct


def read(name):
    b = open(name, "rb").read()
    assert b[:2] == b"BM"
    off, = struct.unpack_from("<I", b, 10)
    hsize, w, h, planes, bits, comp = struct.unpack_from("<IiiHHI", b, 14)
    return b, off, w, h, bits, comp


def patch(b, off, pixels, height, comp):
    """b's headers and palette with new pixel data, height and compression."""
    head = bytearray(b[:off])
    struct.pack_into("<I", head, 2, off + len(pixels))      # bfSize
    struct.pack_into("<i", head, 22, height)                # biHeight
    struct.pack_into("<I", head, 30, comp)                  # biCompression
    struct.pack_into("<I", head, 34, len(pixels))           # biSizeImage
    return bytes(head) + pixels


def rle4_row(px):
    """One row of 4-bit indexes as BI_RLE4: encoded runs of two alternating
    colours where they pay, absolute runs (padded to 16 bits) elsewhere."""
    out = bytearray()
    i, n = 0, len(px)
    while i < n:
        j = i
        while j < n and j - i < 255 and px[j] == px[i]:
            j += 1
        if j - i >= 3 or j == n:
            out += bytes([j - i, px[i] << 4 | px[i]])
            i = j
            continue
        # absolute: up to the next run of 3 equal pixels, 3..255 pixels
        j = i
        while j < n and j - i < 255 and not (j + 2 < n and px[j] == px[j + 1] == px[j + 2]):
            j += 1
        if j - i < 3:  # too short for absolute mode: encoded runs of one
            for k in range(i, j):
                out += bytes([1, px[k] << 4])
            i = j
            continue
        run = px[i:j]
        out += bytes([0, len(run)])
        packed = bytearray()
        for k in range(0, len(run), 2):
            hi = run[k]
            lo = run[k + 1] if k + 1 < len(run) else 0
            packed.append(hi << 4 | lo)
        if len(packed) % 2:
            packed.append(0)
        out += packed
        i = j
    return out + b"\x00\x00"  # end of line


def rle4():
    b, off, w, h, bits, comp = read("palette4.bmp")
    assert bits == 4 and comp == 0 and h > 0
    stride = ((w * 4 + 31) // 32) * 4
    data = bytearray()
    for y in range(h):  # bottom-up, as stored
        row = b[off + y * stride: off + (y + 1) * stride]
        px = []
        for x in range(w):
            v = row[x // 2]
            px.append(v >> 4 if x % 2 == 0 else v & 15)
        data += rle4_row(px)
    data += b"\x00\x01"  # end of bitmap
    open("rle4.bmp", "wb").write(patch(b, off, bytes(data), h, 2))


def topdown24():
    b, off, w, h, bits, comp = read("rgb24.bmp")
    assert bits == 24 and comp == 0 and h > 0
    stride = ((w * 24 + 31) // 32) * 4
    rows = [b[off + y * stride: off + (y + 1) * stride] for y in range(h)]
    open("rgb24-topdown.bmp", "wb").write(patch(b, off, b"".join(reversed(rows)), -h, 0))


def topdown_rle8():
    # rle8-flipped.bmp is the image upside down, bottom-up: read top-down,
    # its rows come out the right way up.
    b, off, w, h, bits, comp = read("rle8-flipped.bmp")
    assert bits == 8 and comp == 1 and h > 0
    open("rle8-topdown.bmp", "wb").write(patch(b, off, b[off:], -h, 1))


rle4()
topdown24()
topdown_rle8()
