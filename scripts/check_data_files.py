#!/usr/bin/env python3
"""Check the data files of the repository: every ``.xml`` is well-formed, every
``ir.model.access.csv`` has Odoo's header and sane rows, every other ``.csv`` parses.

Usage: ``python3 scripts/check_data_files.py [ROOT]``; prints each problem as
``path:line: message`` and exits 1 if there is any. Standard library only.
"""

from __future__ import annotations

import csv
import os
import sys
import xml.parsers.expat
from pathlib import Path

SKIP_DIRS = {
    ".git",
    ".local",
    "node_modules",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
    ".ruff_cache",
    ".venv",
    "venv",
    ".work",
}
ACCESS_HEADER = [
    "id",
    "name",
    "model_id:id",
    "group_id:id",
    "perm_read",
    "perm_write",
    "perm_create",
    "perm_unlink",
]
ACCESS_HEADER_PREFIX = ACCESS_HEADER[:4]


def iter_files(root: Path, suffix: str):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            if name.lower().endswith(suffix):
                yield Path(dirpath) / name


def check_xml(path: Path) -> list[str]:
    parser = xml.parsers.expat.ParserCreate()
    try:
        with open(path, "rb") as handle:
            parser.ParseFile(handle)
    except xml.parsers.expat.ExpatError as exc:
        return [f"{path}:{exc.lineno}: XML not well-formed: {exc}"]
    return []


def check_access_csv(path: Path) -> list[str]:
    problems: list[str] = []
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        return [f"{path}:1: empty file"]
    header = [cell.strip() for cell in rows[0]]
    if header[:4] != ACCESS_HEADER_PREFIX or sorted(header) != sorted(ACCESS_HEADER):
        problems.append(
            f"{path}:1: header must be {','.join(ACCESS_HEADER)} (got {','.join(header)})"
        )
        return problems
    index = {name: i for i, name in enumerate(header)}
    seen: dict[str, int] = {}
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(f"{path}:{lineno}: {len(row)} columns, expected {len(header)}")
            continue
        xmlid = row[index["id"]].strip()
        if not xmlid:
            problems.append(f"{path}:{lineno}: empty id")
        elif xmlid in seen:
            problems.append(
                f"{path}:{lineno}: duplicate id {xmlid!r} (first on line {seen[xmlid]})"
            )
        else:
            seen[xmlid] = lineno
        if not row[index["model_id:id"]].strip():
            problems.append(f"{path}:{lineno}: empty model_id:id")
        for perm in ("perm_read", "perm_write", "perm_create", "perm_unlink"):
            if row[index[perm]].strip() not in {"0", "1"}:
                problems.append(
                    f"{path}:{lineno}: {perm} must be 0 or 1 (got {row[index[perm]]!r})"
                )
    return problems


def check_csv(path: Path) -> list[str]:
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle, strict=True))
    except (csv.Error, UnicodeDecodeError) as exc:
        return [f"{path}:1: CSV does not parse: {exc}"]
    if rows and len({len(row) for row in rows if row}) > 1:
        return [f"{path}:1: rows have different numbers of columns"]
    return []


def main(argv: list[str]) -> int:
    root = Path(argv[1] if len(argv) > 1 else Path(__file__).resolve().parent.parent)
    problems: list[str] = []
    xml_count = csv_count = 0
    for path in iter_files(root, ".xml"):
        xml_count += 1
        problems += check_xml(path)
    for path in iter_files(root, ".csv"):
        csv_count += 1
        if path.name == "ir.model.access.csv":
            problems += check_access_csv(path)
        elif path.parent.name in {"security", "data", "demo"}:
            problems += check_csv(path)
    for problem in problems:
        print(problem)
    print(f"data files: {xml_count} XML, {csv_count} CSV checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
