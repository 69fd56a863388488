"""Encryption at rest (docs/rules.md R-encrypted-at-rest): AES-256-GCM under the library's data
key, for stored files and for the columns whose type says so (EncryptedText, EncryptedBytes,
EncryptedJSON). A model changes by column type; the rest of the code sees plaintext.

Every ciphertext carries the id of the key that sealed it (its envelope), so a key can be
replaced and the old ciphertexts re-sealed in batches (`disclosure keys rotate`,
disclosure/ops/keys.py). A value without an envelope was stored before encryption began and is
read as it is; the rotation seals it.

The envelope:
- bytes (files, EncryptedBytes): b"DSE1" + key id (8 ASCII) + nonce (12) + ciphertext and tag;
- text (EncryptedText, EncryptedJSON): "dse1:" + key id + ":" + base64(nonce + ciphertext and tag).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app, has_app_context
from sqlalchemy import LargeBinary, String, Text
from sqlalchemy.types import TypeDecorator

MAGIC = b"DSE1"
TEXT_PREFIX = "dse1:"
KID_LENGTH = 8
NONCE_LENGTH = 12
KEY_FILE = "data_keys"
_EXTENSION = "disclosure.keyring"
_DIALECT_ATTRIBUTE = "disclosure_keyring"


class SealError(Exception):
    """A ciphertext names a key this app does not have, or does not open with it."""


@dataclass(frozen=True)
class Keyring:
    """The data keys an app knows: the current one seals, every one opens."""

    keys: dict[str, bytes]
    current: str
    # Only the benchmarks turn sealing off, to measure what encryption costs.
    sealing: bool = True
    _ciphers: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, current: bytes, older: list[bytes] | tuple = (), sealing: bool = True) -> Keyring:
        """A keyring whose current key is `current`, able to open `older` ones too."""
        keys = {key_id(key): key for key in older}
        keys[key_id(current)] = current
        return cls(keys=keys, current=key_id(current), sealing=sealing)

    def cipher(self, kid: str) -> AESGCM:
        """The AES-GCM cipher of key `kid`."""
        if kid not in self._ciphers:
            if kid not in self.keys:
                raise SealError(
                    f"Data is sealed with key {kid}, which this installation does not have. "
                    "Add it to DISCLOSURE_OLD_DATA_KEYS (or instance/data_keys)."
                )
            self._ciphers[kid] = AESGCM(self.keys[kid])
        return self._ciphers[kid]


def key_id(key: bytes) -> str:
    """A short public name of a key (8 hex digits), stored in each envelope."""
    return hashlib.sha256(b"disclosure.data-key:" + key).hexdigest()[:KID_LENGTH]


def new_key_text() -> str:
    """A fresh 256-bit key, written as URL-safe base64 (what DISCLOSURE_DATA_KEY takes)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def decode_key(text: str) -> bytes:
    """The 32 bytes of a key written as base64; refuses anything else."""
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError) as exc:
        raise ValueError("a data key must be 32 bytes in base64") from exc
    if len(key) != 32:
        raise ValueError("a data key must be 32 bytes in base64")
    return key


def key_file(instance: Path) -> Path:
    """The file of generated keys in the instance folder, one per line, the newest last."""
    return Path(instance) / KEY_FILE


def _read_key_file(path: Path) -> list[bytes]:
    return [decode_key(line) for line in path.read_text().split() if line.strip()]


def append_key(instance: Path) -> str:
    """Add a fresh key to the instance's key file (made 0600); it becomes current. Its id."""
    path = key_file(instance)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    text = new_key_text()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a") as handle:
        handle.write(text + "\n")
    path.chmod(0o600)
    return key_id(decode_key(text))


def _first_key(path: Path) -> None:
    # The web server and the scheduler may start at once on a new installation: the key is
    # written whole beside the file and linked into place, so exactly one first key wins and
    # both processes read that one.
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(new_key_text() + "\n")
    try:
        os.link(partial, path)
    except FileExistsError:
        pass  # another process was first: its key is the key
    finally:
        partial.unlink()


def load_keyring(
    instance: Path, from_env: str | None, older_env: str | None, sealing: bool = True
) -> Keyring:
    """DISCLOSURE_DATA_KEY (with DISCLOSURE_OLD_DATA_KEYS), else the instance's key file,
    generated with one key the first time."""
    if from_env:
        older = [decode_key(k) for k in (older_env or "").replace(",", " ").split()]
        return Keyring.of(decode_key(from_env), older, sealing)
    path = key_file(instance)
    if not path.exists():
        _first_key(path)
    keys = _read_key_file(path)
    if not keys:
        raise ValueError(f"{path} holds no data key")
    return Keyring.of(keys[-1], keys[:-1], sealing)


def install(app, keyring: Keyring, engine) -> None:
    """Give `app` and its engine their keyring (each app its own: two libraries may share a
    process in tests)."""
    app.extensions[_EXTENSION] = keyring
    arm(engine, keyring)


def arm(engine, keyring: Keyring) -> None:
    """Give an engine made outside create_app (a process of its own) the keyring to seal with."""
    # The column types see only the engine's dialect (one per engine), and a session may work
    # outside an app context (a scheduler batch, a test): the dialect carries the keyring.
    setattr(engine.dialect, _DIALECT_ATTRIBUTE, keyring)


def keyring() -> Keyring:
    """The current app's keyring."""
    if not has_app_context():
        raise RuntimeError("sealed files are read and written inside an app context")
    return current_app.extensions[_EXTENSION]


def _ring_of(dialect) -> Keyring:
    ring = getattr(dialect, _DIALECT_ATTRIBUTE, None)
    if ring is None:
        raise RuntimeError("this engine has no data key: make it through create_app")
    return ring


# ---- sealing and opening -----------------------------------------------------------------------


def _encrypt(ring: Keyring, data: bytes, aad: bytes = b"") -> tuple[str, bytes]:
    nonce = secrets.token_bytes(NONCE_LENGTH)
    kid = ring.current
    # The key id is authenticated with the data: an envelope cannot be relabelled.
    return kid, nonce + ring.cipher(kid).encrypt(nonce, data, kid.encode() + aad)


def _decrypt(ring: Keyring, kid: str, body: bytes, aad: bytes = b"") -> bytes:
    try:
        nonce, sealed = body[:NONCE_LENGTH], body[NONCE_LENGTH:]
        return ring.cipher(kid).decrypt(nonce, sealed, kid.encode() + aad)
    except InvalidTag as exc:
        raise SealError(f"Data sealed with key {kid} does not open: it was altered.") from exc


def seal(data: bytes, ring: Keyring | None = None, *, aad: bytes = b"") -> bytes:
    """`data` encrypted under the current key, in the bytes envelope (`aad`: what else the
    envelope is bound to, such as a chunk's place in a backup)."""
    ring = ring or keyring()
    if not ring.sealing and not aad:
        return data
    kid, body = _encrypt(ring, data, aad)
    return MAGIC + kid.encode() + body


def unseal(stored: bytes, ring: Keyring | None = None, *, aad: bytes = b"") -> bytes:
    """The plaintext of a bytes envelope (bytes stored before encryption come back as they are)."""
    if not stored.startswith(MAGIC):
        if aad:
            raise SealError("This is not a sealed envelope.")
        return stored
    ring = ring or keyring()
    head = len(MAGIC) + KID_LENGTH
    return _decrypt(ring, stored[len(MAGIC) : head].decode(), stored[head:], aad)


def seal_text(text: str, ring: Keyring | None = None) -> str:
    """`text` encrypted under the current key, in the text envelope."""
    ring = ring or keyring()
    if not ring.sealing:
        return text
    kid, body = _encrypt(ring, text.encode())
    return f"{TEXT_PREFIX}{kid}:{base64.b64encode(body).decode()}"


def unseal_text(stored: str, ring: Keyring | None = None) -> str:
    """The plaintext of a text envelope (text stored before encryption comes back as it is)."""
    if not stored.startswith(TEXT_PREFIX):
        return stored
    ring = ring or keyring()
    kid, _, body = stored[len(TEXT_PREFIX) :].partition(":")
    return _decrypt(ring, kid, base64.b64decode(body)).decode()


def key_of(stored: bytes | str | None) -> str | None:
    """The id of the key a stored value is sealed with; None for a value stored in plaintext."""
    if isinstance(stored, str) and stored.startswith(TEXT_PREFIX):
        return stored[len(TEXT_PREFIX) : len(TEXT_PREFIX) + KID_LENGTH]
    if isinstance(stored, bytes | memoryview) and bytes(stored[: len(MAGIC)]) == MAGIC:
        return bytes(stored[len(MAGIC) : len(MAGIC) + KID_LENGTH]).decode()
    return None


def reseal(stored: bytes | str, ring: Keyring | None = None) -> bytes | str:
    """A stored value (either envelope, or plaintext) sealed again under the current key."""
    ring = ring or keyring()
    if isinstance(stored, str):
        return seal_text(unseal_text(stored, ring), ring)
    return seal(unseal(bytes(stored), ring), ring)


def read_file(path: Path) -> bytes:
    """The plaintext of a stored file."""
    return unseal(path.read_bytes())


# ---- column types ------------------------------------------------------------------------------


class EncryptedText(TypeDecorator):
    """Text stored sealed. It cannot be searched or sorted in SQL: filter and sort in Python."""

    impl = Text
    cache_ok = True

    def __init__(self, sqlite_length: int | None = None):
        # A column that was VARCHAR(n) keeps that declaration on SQLite, which never enforces a
        # length: widening it there would mean rebuilding a table that others reference with
        # ON DELETE CASCADE. PostgreSQL enforces it, so there the column is TEXT
        # (migrations/versions/0018_sealed_columns.py).
        super().__init__()
        self.sqlite_length = sqlite_length

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite" and self.sqlite_length:
            return String(self.sqlite_length)
        return Text()

    def process_bind_param(self, value, dialect):
        return None if value is None else seal_text(value, _ring_of(dialect))

    def process_result_value(self, value, dialect):
        return None if value is None else unseal_text(value, _ring_of(dialect))


class EncryptedBytes(TypeDecorator):
    """Bytes (a PDF, a frozen report) stored sealed."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else seal(bytes(value), _ring_of(dialect))

    def process_result_value(self, value, dialect):
        return None if value is None else unseal(bytes(value), _ring_of(dialect))


class EncryptedJSON(TypeDecorator):
    """A JSON value (a released record's frozen copy) stored sealed as text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else seal_text(json.dumps(value), _ring_of(dialect))

    def process_result_value(self, value, dialect):
        return None if value is None else json.loads(unseal_text(value, _ring_of(dialect)))


ENCRYPTED_TYPES = (EncryptedText, EncryptedBytes, EncryptedJSON)
