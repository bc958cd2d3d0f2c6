"""Signed chain heads of the serial ledger, kept outside the database.

A keyed hash chain stops whoever writes the table without the key. An anchor also
catches a rewrite by someone who had the key in hand at some point but not the files
written before: every day the head of every chain -- ``(serial id, last event id,
last hash)`` -- is written to a file, signed with the anchor key. Later, each anchored
head must still be in the ledger, unchanged: events appended since are fine, an
anchored event changed, moved to another serial or gone is reported.
"""

import hashlib
import hmac
import json
import os

ANCHOR_VERSION = 1
SUFFIX = ".json"


def heads_digest(heads):
    """SHA-256 over the ordered heads ``[(lot_id, event_id, hash)]`` (a Merkle-free
    digest: the whole list is signed, the file keeps it for per-serial reports)."""
    digest = hashlib.sha256()
    for lot_id, event_id, event_hash in sorted(heads):
        digest.update(f"{int(lot_id)}\x1f{int(event_id)}\x1f{event_hash or ''}\n".encode())
    return digest.hexdigest()


def _signed_text(document):
    return "\x1f".join(
        [
            str(document["version"]),
            document["database"],
            document["created"],
            str(document["legacy_last_id"]),
            document["digest"],
        ]
    ).encode("utf-8")


def build(key, database, created, heads, legacy_last_id=0):
    """The anchor document of ``heads``, signed with the anchor ``key``."""
    heads = sorted([int(lot), int(event), value or ""] for lot, event, value in heads)
    document = {
        "version": ANCHOR_VERSION,
        "database": database,
        "created": created,
        "legacy_last_id": int(legacy_last_id or 0),
        "digest": heads_digest(heads),
        "heads": heads,
    }
    document["signature"] = hmac.new(key, _signed_text(document), hashlib.sha256).hexdigest()
    return document


def check_signature(key, document):
    """Whether ``document`` is an anchor signed with ``key`` whose heads match its digest."""
    try:
        expected = hmac.new(key, _signed_text(document), hashlib.sha256).hexdigest()
        digest = heads_digest(document["heads"])
    except (KeyError, TypeError, ValueError):
        return False
    return hmac.compare_digest(
        expected, str(document.get("signature", ""))
    ) and hmac.compare_digest(digest, str(document["digest"]))


def compare(anchored_heads, current):
    """The anchored heads the ledger no longer holds as they were.

    :param anchored_heads: ``[(lot_id, event_id, hash)]`` from the anchor.
    :param current: ``{event_id: (lot_id, hash)}`` of those events in the ledger now.
    :returns: ``[(lot_id, event_id, reason)]``, reason one of ``missing`` (the event
        is gone), ``moved`` (it belongs to another serial), ``changed`` (its hash).
    """
    found = []
    for lot_id, event_id, anchored_hash in anchored_heads:
        now = current.get(event_id)
        if now is None:
            found.append((lot_id, event_id, "missing"))
        elif now[0] != lot_id:
            found.append((lot_id, event_id, "moved"))
        elif not hmac.compare_digest(now[1] or "", anchored_hash or ""):
            found.append((lot_id, event_id, "changed"))
    return found


def file_name(created):
    """A file name that sorts by time, from ``created`` as ``%Y-%m-%d %H:%M:%S.%f``
    (UTC): ``20261203T150102.000123Z.json``."""
    return created.replace("-", "").replace(":", "").replace(" ", "T") + "Z" + SUFFIX


def write(directory, document):
    """Write ``document`` into ``directory`` (created if needed) as a new file, never
    over an existing one; return its path."""
    os.makedirs(directory, mode=0o700, exist_ok=True)
    path = os.path.join(directory, file_name(document["created"]))
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(document, file, separators=(",", ":"))
    return path


def latest(directory):
    """``(path, document)`` of the newest anchor in ``directory``, or ``(None, None)``."""
    try:
        names = sorted(name for name in os.listdir(directory) if name.endswith(SUFFIX))
    except FileNotFoundError:
        return None, None
    if not names:
        return None, None
    path = os.path.join(directory, names[-1])
    with open(path, encoding="utf-8") as file:
        try:
            return path, json.load(file)
        except ValueError:
            return path, {}
