"""Proof that a visitor of the public serial page holds the unit, and who is asking.

A label's Digital Link carries ``k=<token>``: an HMAC-SHA256 of the GTIN and serial keyed by a
secret the server keeps outside the database (see the ``serial.unit.proof`` model). Anyone
can type ``/01/<GTIN>/21/<serial>`` for every serial in a range; only who read the label can
add the token, so the page shows a unit's warranty and offers its registration only with it.

:func:`rate_key` turns a client address into what rate limits count: an IPv4 address as it
is, an IPv6 address as its /64 network (one subscriber usually gets a whole /64, and can use
any address in it).
"""

import base64
import hashlib
import hmac
import ipaddress
import os
import secrets

#: Query parameter of the Digital Link that carries the token (an extension, not an AI).
TOKEN_PARAM = "k"
#: Token length in base64url characters: 16 characters carry 96 bits.
TOKEN_LENGTH = 16
#: Secret length in bytes.
SECRET_BYTES = 32
#: Rate-limit key of a request whose address cannot be read.
UNKNOWN_ADDRESS = "unknown"

_DOMAIN = b"serial_tracking.unit_proof.v1"


def unit_token(secret, gtin, serial):
    """The proof token of the unit ``serial`` of GTIN ``gtin`` (14 digits), as URL-safe text."""
    if not isinstance(secret, bytes) or len(secret) < 16:
        raise ValueError("the proof secret is at least 16 bytes")
    if not gtin or not serial:
        raise ValueError("a proof token needs a GTIN and a serial")
    # length-prefixed fields: ("1", "23") and ("12", "3") never share a message
    message = b"\x00".join(
        [
            _DOMAIN,
            str(len(gtin)).encode(),
            gtin.encode("utf-8"),
            str(len(serial)).encode(),
            serial.encode("utf-8"),
        ]
    )
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:TOKEN_LENGTH]


def check_token(secret, gtin, serial, token):
    """Whether ``token`` is the unit's proof token; compared in constant time."""
    if not isinstance(token, str) or len(token) != TOKEN_LENGTH or not token.isascii():
        return False
    return hmac.compare_digest(unit_token(secret, gtin, serial), token)


def load_or_create_secret(path):
    """The secret stored in the file ``path``, created (mode 0600) on first use.

    ``O_EXCL`` makes two workers starting together agree on one secret: the loser reads the
    winner's file. A file that holds too little is an error, never silently replaced: the
    labels already printed depend on it.
    """
    if os.path.exists(path):
        with open(path, "rb") as file:
            return check_secret(file.read(), path)
    os.makedirs(os.path.dirname(path) or ".", mode=0o700, exist_ok=True)
    secret = secrets.token_hex(SECRET_BYTES).encode("ascii")
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path, "rb") as file:
            return check_secret(file.read(), path)
    with os.fdopen(descriptor, "wb") as file:
        file.write(secret)
    return secret


def check_secret(content, path):
    """The secret read from ``content`` (bytes from ``path``), refused when too short."""
    secret = content.strip()
    if len(secret) < 32:
        raise ValueError(f"the proof secret in {path} is shorter than 32 characters")
    return secret


def rate_key(address):
    """What rate limits count for ``address``: IPv4 as is, IPv6 as its /64 network."""
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return UNKNOWN_ADDRESS
    if parsed.version == 6:
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


__all__ = [
    "SECRET_BYTES",
    "TOKEN_LENGTH",
    "TOKEN_PARAM",
    "UNKNOWN_ADDRESS",
    "check_secret",
    "check_token",
    "load_or_create_secret",
    "rate_key",
    "unit_token",
]
