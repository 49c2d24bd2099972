"""Draws the app icons (public/icons/*.png): a blue tile with a white liver-shaped mark and a
cross, using only the standard library. Run: python3 docs/assets/make_icons.py"""
import struct
import zlib
from pathlib import Path

BLUE = (11, 83, 148)
WHITE = (255, 255, 255)


def png(path, size, pixel):
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            row.extend(pixel(x / size, y / size))
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
    data += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    Path(path).write_bytes(data)


def mark(u, v, scale):
    """True where the white mark is: an ellipse (liver) with a cross cut out."""
    cu, cv = (u - 0.5) / scale, (v - 0.5) / scale
    in_ellipse = (cu / 0.36) ** 2 + (cv / 0.26) ** 2 <= 1.0
    in_cross = (abs(cu) < 0.05 and abs(cv) < 0.16) or (abs(cv) < 0.05 and abs(cu) < 0.16)
    return in_ellipse and not in_cross


def tile(scale, rounded):
    def pixel(u, v):
        if rounded:
            du, dv = max(0.0, abs(u - 0.5) - 0.34), max(0.0, abs(v - 0.5) - 0.34)
            if du * du + dv * dv > 0.16 * 0.16:
                return WHITE
        return WHITE if mark(u, v, scale) else BLUE

    return pixel


out = Path(__file__).resolve().parents[2] / "public" / "icons"
png(out / "icon-192.png", 192, tile(1.0, True))
png(out / "icon-512.png", 512, tile(1.0, True))
# Maskable: full-bleed background, the mark inside the 80% safe zone.
png(out / "maskable-512.png", 512, tile(0.75, False))
