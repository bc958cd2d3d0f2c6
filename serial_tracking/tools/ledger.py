"""Hash chain of the serial ledger.

Each event's hash covers its own content and the hash of the previous event of the
same serial, so changing, removing or re-ordering any row breaks every hash after
it. The canonical form is independent of Python and of the database: fields in a
fixed order, ``None`` as the empty string, datetimes as ISO 8601 to the second.
"""

import hashlib
from datetime import datetime

# The content an event's hash covers, in this order. Changing it breaks every
# existing chain: add fields only with a new chain version.
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
GENESIS = ""


def _canonical(value):
    if value is None or value is False:
        return ""
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat(sep=" ")
    return str(value)


def event_hash(content, prev_hash):
    """Return the hex SHA-256 of one event's ``content`` chained to ``prev_hash``.

    :param content: mapping holding at least :data:`HASHED_FIELDS`; many-to-one
        values are their integer ids.
    """
    parts = [CHAIN_VERSION, prev_hash or GENESIS]
    parts += [_canonical(content.get(name)) for name in HASHED_FIELDS]
    payload = "\x1f".join(parts).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()


def chain(contents, prev_hash=GENESIS):
    """Hash a list of new events of one serial in order; return their hash pairs.

    :returns: list of ``(prev_hash, hash)``, one per content.
    """
    pairs = []
    for content in contents:
        digest = event_hash(content, prev_hash)
        pairs.append((prev_hash, digest))
        prev_hash = digest
    return pairs


def find_broken(rows):
    """Verify chains and name the first broken event of every serial.

    :param rows: iterable of mappings with the hashed fields plus ``id``,
        ``prev_hash`` and ``hash``, ordered by serial then by event order.
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
        elif event_hash(row, row["prev_hash"]) != row["hash"]:
            broken[lot_id] = (row["id"], "content does not match its hash")
        expected_prev = row["hash"]
    return broken
