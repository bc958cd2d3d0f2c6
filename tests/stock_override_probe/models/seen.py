"""What reached the overrides, per database, for the tests to read."""

from collections import defaultdict

SEEN = defaultdict(lambda: {"lots": set(), "done_lines": set()})


def seen(env):
    return SEEN[env.cr.dbname]
