#!/usr/bin/env python3
"""Run the pre-commit hooks of .pre-commit-config.yaml for scripts/test and scripts/format.

    python3 scripts/lint.py lint [--failures FILE]     the checks (hooks aliased "lint")
    python3 scripts/lint.py format-check [--failures FILE]
                                                        would the formatters change a file?
    python3 scripts/lint.py format                      format the tree (hooks aliased "format")

``lint`` runs on the files git tracks, as they are on disk. ``format-check`` runs the
formatters on a scratch copy of those files, so it never changes the tree, and lists what
they would change. ``format`` rewrites the tree, then runs the formatters again to show that
they are stable. ``--failures`` writes the name of each failing hook to FILE, one a line
(scripts/test counts each as one failure). Without a git checkout, ``lint`` also works on a
scratch copy. pre-commit itself comes from requirements-test.txt (this interpreter's
``-m pre_commit``); its hook environments are cached in ~/.cache/pre-commit.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from check_data_files import SKIP_DIRS

REPO_ROOT = Path(__file__).resolve().parent.parent
# "ruff check.....Passed" / "eslint....Failed" / "prettier....(no files to check)Skipped"
_RESULT = re.compile(r"^(?P<name>.+?)\.{3,}(?:\(.*\))?(?P<status>Passed|Failed|Skipped)\s*$")


def failed_hooks(output: str) -> list[str]:
    """The names of the hooks a ``pre-commit run`` output reports as failed."""
    names = []
    for line in output.splitlines():
        match = _RESULT.match(line.strip())
        if match and match["status"] == "Failed":
            names.append(match["name"].strip())
    return names


def pre_commit(alias: str, cwd: Path) -> tuple[int, str]:
    """``pre-commit run <alias> --all-files`` in ``cwd``; its output is echoed."""
    env = dict(os.environ, PRE_COMMIT_COLOR="never")
    argv = [sys.executable, "-m", "pre_commit", "run", alias, "--all-files", "--color", "never"]
    proc = subprocess.run(
        argv,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    print(proc.stdout, end="", flush=True)
    return proc.returncode, proc.stdout


def hook_failures(alias: str, cwd: Path) -> list[str]:
    """Run the hooks aliased ``alias`` in ``cwd``; the names of those that failed, or
    pre-commit's exit code when it failed without naming a hook."""
    rc, output = pre_commit(alias, cwd)
    names = failed_hooks(output)
    if rc != 0 and not names:
        names = [f"pre-commit (exit {rc})"]
    return names


def tracked_files(root: Path) -> list[str]:
    proc = subprocess.run(
        ["git", "ls-files", "-z"], cwd=root, capture_output=True, text=True, check=True
    )
    return [name for name in proc.stdout.split("\0") if name]


def is_git_checkout(root: Path) -> bool:
    proc = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.returncode == 0 and Path(proc.stdout.strip()).resolve() == root.resolve()


def scratch_copy(root: Path, target: Path) -> None:
    """The files of ``root`` (as on disk: git's tracked files, or every file outside local
    state when ``root`` is no checkout) in a new git repository at ``target``."""
    if is_git_checkout(root):
        names = [name for name in tracked_files(root) if (root / name).is_file()]
    else:
        skip = SKIP_DIRS
        names = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in skip]
            rel = Path(dirpath).relative_to(root)
            names += [str(rel / name) for name in filenames]
    for name in names:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target / name, follow_symlinks=False)
    git = ["git", "-c", "user.name=lint", "-c", "user.email=lint@localhost"]
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-q", "--no-verify", "-m", "scratch"]):
        subprocess.run(git + argv, cwd=target, check=True, capture_output=True)


@contextlib.contextmanager
def scratch_tree(prefix: str):
    """A scratch copy of the repository (see :func:`scratch_copy`), removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=prefix) as scratch:
        scratch_copy(REPO_ROOT, Path(scratch))
        yield Path(scratch)


def write_failures(path: str | None, names: list[str]) -> None:
    if path:
        Path(path).write_text("".join(f"{name}\n" for name in names), encoding="utf-8")


def run_lint(failures: str | None) -> int:
    if is_git_checkout(REPO_ROOT):
        names = hook_failures("lint", REPO_ROOT)
    else:
        with scratch_tree("st-lint.") as scratch:
            names = hook_failures("lint", scratch)
    write_failures(failures, names)
    return 1 if names else 0


def run_format_check(failures: str | None) -> int:
    with scratch_tree("st-format.") as scratch:
        names = hook_failures("format", scratch)
        if names:
            stat = subprocess.run(
                ["git", "diff", "--stat"], cwd=scratch, capture_output=True, text=True, check=False
            ).stdout
            print(f"The formatters would change these files (run scripts/format):\n{stat}")
    write_failures(failures, names)
    return 1 if names else 0


def run_format() -> int:
    """Format the tree; a second run shows the formatters are done (exit 0)."""
    for _attempt in range(3):
        rc, _output = pre_commit("format", REPO_ROOT)
        if rc == 0:
            return 0
    print("scripts/format: the formatters still change files after three runs", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["lint", "format-check", "format"])
    parser.add_argument("--failures", help="write the failing hooks' names to this file")
    args = parser.parse_args(argv)
    if args.command == "lint":
        return run_lint(args.failures)
    if args.command == "format-check":
        return run_format_check(args.failures)
    return run_format()


if __name__ == "__main__":
    sys.exit(main())
