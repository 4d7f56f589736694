#!/usr/bin/env python3
"""PNG sanity check for the report tests: valid signature and IHDR, the expected size, and not
blank. Standard library only (zlib), so it runs on a fresh Debian 12 python3.

usage: png_check.py FILE [--size WxH] [--min-colors N] [--colors RRGGBB,...] [--sample K]

  --size WxH       IHDR width and height must be exactly these
  --min-colors N   at least N distinct pixel colours (default 8): a blank or one-colour
                   image fails
  --colors LIST    each of these colours must appear (exactly) somewhere: every strategy's
                   line or bar was drawn
  --sample K       collect colours from every K-th row only (default 1)
  --header-only    check the signature, the chunks and IHDR only (no pixel decoding)
Prints one line "ok FILE WxH, N colours" or "FAIL FILE: why"; exit status 0 / 1.
"""
import struct
import sys
import zlib


def fail(path, why):
    print(f"FAIL {path}: {why}")
    sys.exit(1)


def unfilter(ftype, line, prev, bpp):
    if ftype == 0:
        return line
    out = bytearray(line)
    n = len(out)
    if ftype == 1:
        for i in range(bpp, n):
            out[i] = (out[i] + out[i - bpp]) & 0xFF
    elif ftype == 2:
        for i in range(n):
            out[i] = (out[i] + prev[i]) & 0xFF
    elif ftype == 3:
        for i in range(n):
            left = out[i - bpp] if i >= bpp else 0
            out[i] = (out[i] + ((left + prev[i]) >> 1)) & 0xFF
    elif ftype == 4:
        # Paeth, inlined: it is most of the decoding time of a pngcairo image.
        for i in range(n):
            b = prev[i]
            if i >= bpp:
                a, c = out[i - bpp], prev[i - bpp]
            else:
                a = c = 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            out[i] = (out[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
    else:
        raise ValueError(f"bad filter type {ftype}")
    return bytes(out)


def main():
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if args else 2
    path = args[0]
    size = None
    min_colors = 8
    want = []
    sample = 1
    header_only = False
    i = 1
    while i < len(args):
        if args[i] == "--size":
            w, h = args[i + 1].lower().split("x")
            size = (int(w), int(h))
        elif args[i] == "--min-colors":
            min_colors = int(args[i + 1])
        elif args[i] == "--colors":
            want = [c.strip().lstrip("#").upper() for c in args[i + 1].split(",") if c.strip()]
        elif args[i] == "--header-only":
            header_only = True
            i += 1
            continue
        elif args[i] == "--sample":
            sample = max(1, int(args[i + 1]))
        else:
            print(f"png_check: unknown option {args[i]}")
            return 2
        i += 2
    try:
        data = open(path, "rb").read()
    except OSError as e:
        fail(path, str(e))
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(path, "no PNG signature")
    pos, chunks = 8, []
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc = data[pos + 8 + length:pos + 12 + length]
        if len(body) != length or len(crc) != 4:
            fail(path, f"truncated {ctype!r} chunk")
        if struct.unpack(">I", crc)[0] != zlib.crc32(ctype + body) & 0xFFFFFFFF:
            fail(path, f"bad CRC in {ctype!r} chunk")
        chunks.append((ctype, body))
        pos += 12 + length
        if ctype == b"IEND":
            break
    if not chunks or chunks[0][0] != b"IHDR" or chunks[-1][0] != b"IEND":
        fail(path, "IHDR first and IEND last are required")
    w, h, depth, ctype, _comp, _filt, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    if size and (w, h) != size:
        fail(path, f"size {w}x{h}, expected {size[0]}x{size[1]}")
    if depth != 8 or ctype not in (2, 3, 6) or interlace != 0:
        fail(path, f"unsupported PNG: depth {depth}, colour type {ctype}, interlace {interlace}")
    if header_only:
        print(f"ok {path} {w}x{h} (header)")
        return 0
    bpp = {2: 3, 3: 1, 6: 4}[ctype]
    palette = next((b for t, b in chunks if t == b"PLTE"), None)
    raw = zlib.decompress(b"".join(b for t, b in chunks if t == b"IDAT"))
    stride = 1 + w * bpp
    if len(raw) != h * stride:
        fail(path, f"image data is {len(raw)} bytes, expected {h * stride}")
    colors = set()
    prev = bytes(w * bpp)
    for y in range(h):
        line = unfilter(raw[y * stride], raw[y * stride + 1:(y + 1) * stride], prev, bpp)
        prev = line
        if y % sample:
            continue
        if ctype == 3:
            colors.update(bytes(palette[3 * p:3 * p + 3]) for p in line)
        else:
            colors.update(line[x:x + 3] for x in range(0, len(line), bpp))
    if len(colors) < min_colors:
        fail(path, f"only {len(colors)} distinct colours (blank?)")
    hexes = {c.hex().upper() for c in colors}
    missing = [c for c in want if c not in hexes]
    if missing:
        fail(path, f"colour(s) {','.join(missing)} not drawn")
    print(f"ok {path} {w}x{h}, {len(colors)} colours")
    return 0


if __name__ == "__main__":
    sys.exit(main())
