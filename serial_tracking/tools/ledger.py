"""Hash chain of the serial ledger.

Each event's hash covers its own content and the hash of the previous event of the
same serial, so changing, removing or re-ordering any row breaks every hash after
it. The canonical form is independent of Python and of the database: fields in a
fixed order, ``None`` as the empty string, datetimes as ISO 8601 to the second.

Two formulas exist; the ledger is never rewritten, so an event keeps the one it was
hashed with, and the stored hash says which:

- ``v1`` (64 hex digits, no prefix): unkeyed SHA-256 over :data:`HASHED_FIELDS`. Anyone
  who can write the table can recompute it, so it is accepted only for events recorded
  before the keyed formula (ids up to the database's ``legacy_last_id``).
- ``v2`` (``"v2:"`` + 64 hex digits): HMAC-SHA256, keyed by a secret kept outside the
  database, over every stored column (:data:`HASHED_FIELDS_V2`), each one
  length-prefixed so that no value can spill into the next.
"""

import hashlib
import hmac
from datetime import datetime

# The content a v1 hash covers, in this order. Frozen: old events are checked with it.
HASHED_FIELDS = (
    "lot_id",
    "event_type",
    "from_state",
    "to_state",
    "date",
    "user_id",
    "location_id",
    "location_dest_id",
    "partner_id",
    "document_ref",
    "reason_id",
    "note",
)
CHAIN_VERSION = "v1"

# Every stored column of ``serial.event`` a v2 hash covers, in this order. Not hashed:
# ``id`` (the chain's order: moving a row breaks the links and the anchored heads),
# ``prev_hash`` (chained in as the previous hash), ``hash`` itself, and the links to
# the transfer and its line (:data:`LINKS`): Odoo deletes a reservation's line when it
# unreserves, and the database then empties the link. Their recorded copies
# (``picking_ref``, ``move_line_ref``) are hashed instead, and a link must be empty or
# equal to its copy. A new column of the event needs a new formula version.
HASHED_FIELDS_V2 = (
    "lot_id",
    "product_id",
    "company_id",
    "event_type",
    "from_state",
    "to_state",
    "date",
    "create_date",
    "user_id",
    "location_id",
    "location_dest_id",
    "partner_id",
    "document_ref",
    "reason_id",
    "note",
    "picking_ref",
    "move_line_ref",
)
#: link column -> its hashed copy
LINKS = {"picking_id": "picking_ref", "move_line_id": "move_line_ref"}
NOT_HASHED = ("id", "prev_hash", "hash", *LINKS)
#: Integer columns, where 0 means none
EMPTY_ZERO = frozenset(LINKS.values())
CHAIN_VERSION_V2 = "v2"
V2_PREFIX = CHAIN_VERSION_V2 + ":"
DATE_FIELDS = ("date", "create_date")
GENESIS = ""
SEPARATOR = "\x1f"

_CHAIN_DOMAIN = b"serial_tracking.ledger.chain.v2"
_ANCHOR_DOMAIN = b"serial_tracking.ledger.anchor.v1"


def derive_keys(secret):
    """The chain key and the anchor key derived from the ledger ``secret`` (bytes):
    one secret to keep, two keys that never sign each other's messages."""
    if not isinstance(secret, bytes) or len(secret) < 16:
        raise ValueError("the ledger secret is at least 16 bytes")
    chain_key = hmac.new(secret, _CHAIN_DOMAIN, hashlib.sha256).digest()
    anchor_key = hmac.new(secret, _ANCHOR_DOMAIN, hashlib.sha256).digest()
    return chain_key, anchor_key


def hmac_pads(key):
    """``(inner, outer)`` padded keys of HMAC-SHA256 (RFC 2104), so that PostgreSQL
    computes the same HMAC with its built-in ``sha256``:
    ``sha256(outer || sha256(inner || message))``."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\x00")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def _canonical(value):
    if value is None or value is False:
        return ""
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat(sep=" ")
    return str(value)


def legacy_hash(content, prev_hash):
    """The v1 hash: hex SHA-256 of ``content`` chained to ``prev_hash``, unkeyed.

    Only for verifying events recorded before the keyed formula (and for tests).
    """
    parts = [CHAIN_VERSION, prev_hash or GENESIS]
    parts += [_canonical(content.get(name)) for name in HASHED_FIELDS]
    payload = SEPARATOR.join(parts).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()


def canonical_v2(content, prev_hash):
    """The text a v2 hash signs: version, previous hash and every hashed column, each
    as ``<length>:<text>``, joined by the unit separator."""
    parts = [CHAIN_VERSION_V2, prev_hash or GENESIS]
    # an empty Integer column reads 0 through the ORM, NULL through SQL: both are ""
    parts += [
        _canonical(content.get(name) or None if name in EMPTY_ZERO else content.get(name))
        for name in HASHED_FIELDS_V2
    ]
    return SEPARATOR.join(f"{len(part)}:{part}" for part in parts)


def event_hash(content, prev_hash, key):
    """The hash a new event stores: ``"v2:"`` + hex HMAC-SHA256 keyed by the chain
    ``key`` (see :func:`derive_keys`).

    :param content: mapping holding at least :data:`HASHED_FIELDS_V2`; many-to-one
        values are their integer ids.
    """
    if not key:
        raise ValueError("the ledger hash needs its key")
    message = canonical_v2(content, prev_hash).encode("utf-8")
    return V2_PREFIX + hmac.new(key, message, hashlib.sha256).hexdigest()


def expected_hash(row, key, legacy_last_id=0):
    """The hash ``row`` must carry under the formula its stored hash names, or
    ``None`` when no formula may apply (an unkeyed hash on an event recorded after
    the keyed formula came: a downgrade)."""
    stored = row.get("hash") or ""
    if stored.startswith(V2_PREFIX):
        return event_hash(row, row.get("prev_hash"), key)
    if row["id"] <= (legacy_last_id or 0):
        return legacy_hash(row, row.get("prev_hash"))
    return None


def links_hold(row):
    """Whether each link of ``row`` is empty (its document deleted) or the recorded one."""
    return all(not row.get(link) or row.get(link) == row.get(copy) for link, copy in LINKS.items())


def chain(contents, key, prev_hash=GENESIS):
    """Hash a list of new events of one serial in order; return their hash pairs.

    :returns: list of ``(prev_hash, hash)``, one per content.
    """
    pairs = []
    for content in contents:
        digest = event_hash(content, prev_hash, key)
        pairs.append((prev_hash, digest))
        prev_hash = digest
    return pairs


def find_broken(rows, key, legacy_last_id=0):
    """Verify chains and name the first broken event of every serial.

    :param rows: iterable of mappings with the hashed fields plus ``id``,
        ``prev_hash`` and ``hash``, ordered by serial then by event order.
    :param key: the chain key.
    :param legacy_last_id: the last event id recorded with the unkeyed formula.
    :returns: ``{lot_id: (event_id, reason)}`` for every serial whose chain breaks.
    """
    broken = {}
    last_lot = object()
    expected_prev = GENESIS
    for row in rows:
        lot_id = row["lot_id"]
        if lot_id != last_lot:
            last_lot, expected_prev = lot_id, GENESIS
        if lot_id in broken:
            continue
        if (row["prev_hash"] or GENESIS) != expected_prev:
            broken[lot_id] = (row["id"], "does not follow the previous event")
        else:
            expected = expected_hash(row, key, legacy_last_id)
            if expected is None or not hmac.compare_digest(expected, row["hash"] or ""):
                broken[lot_id] = (row["id"], "content does not match its hash")
            elif expected.startswith(V2_PREFIX) and not links_hold(row):
                broken[lot_id] = (row["id"], "points to another document than recorded")
        expected_prev = row["hash"]
    return broken
