"""scripts/lint.py: which pre-commit hooks failed, read from pre-commit's output."""

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import lint  # noqa: E402

OUTPUT = """\
[INFO] Installing environment for local.
forbidden files...............................................(no files to check)Skipped
ruff check........................................................................Passed
pylint with pylint-odoo (.pylintrc)...............................................Failed
- hook id: pylint-odoo
- exit code: 4

serial_tracking/models/x.py:3: [W8113(attribute-string-redundant), X] ... Failed
addon README.md up to date with readme/ (scripts/readme.py).......................Failed
- hook id: readme
prettier (with plugin-xml)........................................................Failed
- hook id: prettier
- files were modified by this hook
"""


def test_failed_hooks_are_named_once_each():
    assert lint.failed_hooks(OUTPUT) == [
        "pylint with pylint-odoo (.pylintrc)",
        "addon README.md up to date with readme/ (scripts/readme.py)",
        "prettier (with plugin-xml)",
    ]


def test_nothing_failed():
    assert lint.failed_hooks("ruff check.....Passed\neslint....(no files to check)Skipped\n") == []


def test_scratch_copy_takes_tracked_files_as_on_disk(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@localhost"]
    (repo / "kept.py").write_text("x = 1\n")
    (repo / "sub").mkdir()
    (repo / "sub" / "data.xml").write_text("<odoo/>\n")
    subprocess.run(git + ["init", "-q"], cwd=repo, check=True)
    subprocess.run(git + ["add", "-A"], cwd=repo, check=True)
    subprocess.run(git + ["commit", "-qm", "base"], cwd=repo, check=True)
    (repo / "kept.py").write_text("x = 2\n")  # edited, not committed: copied as it is
    (repo / "untracked.py").write_text("y = 1\n")  # not tracked: left out
    copy = tmp_path / "copy"
    copy.mkdir()
    lint.scratch_copy(repo, copy)
    assert (copy / "kept.py").read_text() == "x = 2\n"
    assert (copy / "sub" / "data.xml").exists()
    assert not (copy / "untracked.py").exists()
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=copy, capture_output=True, text=True, check=True
    ).stdout
    assert status == ""  # committed: the formatters' changes are what git diff shows
