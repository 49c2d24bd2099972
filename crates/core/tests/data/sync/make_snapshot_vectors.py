"""Test vectors of the sealed snapshot (docs/sync-protocol.md, "Sealed snapshot"), made
independently of the Rust code.

The snapshot is the folded state of the two commits of vectors.json (read from it), written here
by hand in postcard's wire format (https://postcard.jamesmunns.com/wire-format: unsigned
integers as LEB128 varints, lengths and enum variants as varints, an Option as 00 or 01 and the
value, f64 as 8 bytes little-endian, structs and tuples field by field), then sealed with
Python's `cryptography` AESGCM; a second copy is compressed by `zlib` (raw DEFLATE).
Run from this folder: `python3 make_snapshot_vectors.py > snapshot_vectors.json`.
"""
import json
import struct
import zlib

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

DEVICE_KEY = bytes(range(32))  # 00 01 .. 1f
KEY_ID = 0  # the device key's id (ecrf_core::sync::vault)
NONCE = bytes.fromhex("5a5b5c5d5e5f606162636465")
NONCE_DEFLATE = bytes.fromhex("b0b1b2b3b4b5b6b7b8b9babb")

v = json.load(open("vectors.json"))
first, second = (json.loads(c["plaintext"]) for c in v["commits"])
first_id, second_id = (c["id"] for c in v["commits"])


def varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def text(s):
    b = s.encode()
    return varint(len(b)) + b


def seq(items):
    return varint(len(items)) + b"".join(items)


def option(value):
    return b"\x00" if value is None else b"\x01" + value


# The state's shared texts (users, devices, reasons, field ids), sorted by their bytes.
names = sorted({"Dr Wu", "tablet-A", "typo in the record", "enrollment_date", "weight_kg"},
               key=str.encode)
name = names.index
# Commits sorted by id.
order = sorted([first_id, second_id])
index = order.index


def commit(body, cid):
    prev = body["prev"]
    return (
        text(cid)
        + varint(name(body["device"]))
        + varint(body["seq"])
        + option(None if prev is None else varint(0) + varint(index(prev)))  # IdRef::Commit
        + varint(body["hlc"]["wall_ms"])
        + varint(body["hlc"]["counter"])
        + varint(name(body["hlc"]["device"]))
        + varint(name(body["user"]))
        + option(None if body["reason"] is None else varint(name(body["reason"])))
        + seq([text("tablet-A-1")])
    )


by_id = {first_id: first, second_id: second}
commits = seq([commit(by_id[cid], cid) for cid in order])
forms = seq([text("tablet-A-1") + text("eligibility") + text("HCC-001-0001") + varint(index(first_id))])
deletions = seq([])
# SnapshotValue: String is variant 5, Float variant 4.
enrollment = (varint(name("enrollment_date"))
              + seq([varint(index(first_id)) + option(varint(5) + text("2025-01-03")) + seq([])])
              + seq([]))
weight = (varint(name("weight_kg"))
          + seq([varint(index(second_id)) + option(varint(4) + struct.pack("<d", 62.5)) + seq([])])
          + seq([]))
fields = seq([text("tablet-A-1") + seq([enrollment, weight])])
confirmations = seq([])
plaintext = seq([text(n) for n in names]) + commits + forms + deletions + fields + confirmations


def sealed(body, compression, nonce):
    header = b"ECSS" + bytes([1, compression]) + struct.pack(">I", KEY_ID) + nonce \
        + struct.pack(">I", len(body) + 16)
    return header + AESGCM(DEVICE_KEY).encrypt(nonce, body, header)


c = zlib.compressobj(9, zlib.DEFLATED, -15)
deflated = c.compress(plaintext) + c.flush()

print(json.dumps({
    "device_key": DEVICE_KEY.hex(), "key_id": KEY_ID,
    "plaintext": plaintext.hex(),
    "nonce": NONCE.hex(), "sealed": sealed(plaintext, 0, NONCE).hex(),
    "nonce_deflate": NONCE_DEFLATE.hex(), "sealed_deflate": sealed(deflated, 1, NONCE_DEFLATE).hex(),
}, indent=1))
