"""Test vectors of docs/sync-protocol.md, made independently of the Rust code.

Python 3 with `cryptography` (AESGCM, PBKDF2HMAC, HKDF) and the standard `zlib`. Run from this
folder: `python3 make_vectors.py > vectors.json`. The Rust tests in crates/core/src/sync/tests.rs
read vectors.json.
"""
import hashlib
import json
import struct
import zlib

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

DATA_KEY = bytes(range(32))  # 00 01 .. 1f
KEY_ID = 1
STUDY = bytes.fromhex("5354554459aa00112233445566778899")

# Two commits of device "tablet-A", written exactly as serde_json writes a CommitBody (fields in
# declaration order, compact): the plaintext whose SHA-256 is the commit id.
FIRST = (
    '{"device":"tablet-A","seq":1,"prev":null,'
    '"hlc":{"wall_ms":1735689600000,"counter":0,"device":"tablet-A"},'
    '"user":"Dr Wu","reason":null,'
    '"ops":[{"op":"create_form","instance":"tablet-A-1","form":"eligibility","patient":"HCC-001-0001"},'
    '{"op":"set_field","instance":"tablet-A-1","field":"enrollment_date","value":"2025-01-03","supersedes":[]}]}'
)
FIRST_ID = hashlib.sha256(FIRST.encode()).hexdigest()
SECOND = (
    '{"device":"tablet-A","seq":2,"prev":"' + FIRST_ID + '",'
    '"hlc":{"wall_ms":1735689660000,"counter":0,"device":"tablet-A"},'
    '"user":"Dr Wu","reason":"typo in the record",'
    '"ops":[{"op":"set_field","instance":"tablet-A-1","field":"weight_kg","value":62.5,"supersedes":[]}]}'
)
SECOND_ID = hashlib.sha256(SECOND.encode()).hexdigest()


def header(compression, device, seq, commit_id, prev, key_id, nonce, body_len):
    d = device.encode()
    return (
        b"ECSC" + bytes([1, compression, 1 if prev else 0, len(d)]) + d
        + struct.pack(">Q", seq) + bytes.fromhex(commit_id)
        + (bytes.fromhex(prev) if prev else bytes(32))
        + struct.pack(">I", key_id) + nonce + struct.pack(">I", body_len)
    )


def seal(plaintext_json, seq, commit_id, prev, nonce, compression):
    body = plaintext_json.encode()
    if compression == 1:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw DEFLATE, RFC 1951
        body = c.compress(body) + c.flush()
    h = header(compression, "tablet-A", seq, commit_id, prev, KEY_ID, nonce, len(body) + 16)
    return h + AESGCM(DATA_KEY).encrypt(nonce, body, h)


NONCE_1 = bytes.fromhex("000102030405060708090a0b")
NONCE_2 = bytes.fromhex("a0a1a2a3a4a5a6a7a8a9aaab")
sealed_plain = seal(FIRST, 1, FIRST_ID, None, NONCE_1, 0)
sealed_deflate = seal(SECOND, 2, SECOND_ID, FIRST_ID, NONCE_2, 1)
bundle = (
    b"ECSB" + bytes([1, 0]) + STUDY + struct.pack(">I", 2)
    + struct.pack(">I", len(sealed_plain)) + sealed_plain
    + struct.pack(">I", len(sealed_deflate)) + sealed_deflate
)

PASSPHRASE = "correct horse battery staple 马"
SALT = bytes.fromhex("73616c742d31362d62797465732d2d21")
ITERATIONS = 600_000
WRAP_NONCE = bytes.fromhex("0f0e0d0c0b0a090807060504")
master = PBKDF2HMAC(hashes.SHA256(), 32, SALT, ITERATIONS).derive(PASSPHRASE.encode())


def hkdf(info):
    return HKDF(hashes.SHA256(), 32, None, info).derive(master)


kek = hkdf(b"ecrf/v1/key-encryption")
auth = hkdf(b"ecrf/v1/server-auth")
aad = b"ecrf/v1/wrapped-key" + "Dr Wu".encode() + struct.pack(">I", KEY_ID)
wrapped = AESGCM(kek).encrypt(WRAP_NONCE, DATA_KEY, aad)

print(json.dumps({
    "data_key": DATA_KEY.hex(), "key_id": KEY_ID, "study": STUDY.hex(),
    "commits": [
        {"plaintext": FIRST, "id": FIRST_ID, "nonce": NONCE_1.hex(), "compression": 0,
         "sealed": sealed_plain.hex()},
        {"plaintext": SECOND, "id": SECOND_ID, "nonce": NONCE_2.hex(), "compression": 1,
         "sealed": sealed_deflate.hex()},
    ],
    "bundle": bundle.hex(),
    "keys": {"passphrase": PASSPHRASE, "user": "Dr Wu", "salt": SALT.hex(),
             "iterations": ITERATIONS, "master": master.hex(), "kek": kek.hex(),
             "auth": auth.hex(), "wrap_nonce": WRAP_NONCE.hex(), "wrapped": wrapped.hex()},
}, indent=1, ensure_ascii=False))
