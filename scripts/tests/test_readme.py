"""scripts/readme.py: an addon's README.md assembled from its readme/ fragments."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import readme  # noqa: E402

MANIFEST = """{
    "name": "Serial Demo",
    "version": "19.0.1.0.0",
    "author": "Serial Tracking Authors, Someone Else",
    "maintainers": ["alice", "bob"],
    "development_status": "Beta",
    "license": "LGPL-3",
}
"""


@pytest.fixture
def addon(tmp_path):
    folder = tmp_path / "serial_demo"
    (folder / "readme").mkdir(parents=True)
    (folder / "__manifest__.py").write_text(MANIFEST)
    (folder / "readme" / "DESCRIPTION.md").write_text("What it is.\n\n## Details\n\nMore.\n")
    (folder / "readme" / "USAGE.md").write_text("### Scanning\n\nScan it.\n")
    (folder / "readme" / "CONFIGURE.md").write_text("Set a rule.\n")
    (folder / "readme" / "CONTRIBUTORS.md").write_text("- Alice\n")
    return folder


def test_sections_in_oca_order(addon):
    text = readme.build(addon)
    assert text.startswith(readme.GENERATED_NOTE + "\n\n# Serial Demo\n\nWhat it is.\n")
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "# Serial Demo",
        "## Details",
        "## Configuration",
        "## Usage",
        "### Scanning",
        "## Credits",
        "### Authors",
        "### Contributors",
        "### Maintainers",
    ]
    assert "- Serial Tracking Authors\n- Someone Else\n" in text
    assert "[@alice](https://github.com/alice), [@bob](https://github.com/bob)" in text
    assert "Development status: Beta" in text
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_write_then_check(addon, capsys):
    assert readme.main(["--check", str(addon)]) == 1  # no README.md yet
    assert "out of date" in capsys.readouterr().err
    assert readme.main([str(addon)]) == 0
    assert (addon / "README.md").read_text() == readme.build(addon)
    assert readme.main(["--check", str(addon)]) == 0
    # an edit of the README instead of the fragment is caught, and the fragment wins
    (addon / "README.md").write_text(readme.build(addon).replace("Scan it.", "Scan it twice."))
    assert readme.main(["--check", str(addon)]) == 1
    assert readme.main([str(addon)]) == 0
    assert "Scan it twice." not in (addon / "README.md").read_text()


def test_check_writes_nothing(addon):
    assert readme.main(["--check", str(addon)]) == 1
    assert not (addon / "README.md").exists()


def test_description_required(addon, capsys):
    (addon / "readme" / "DESCRIPTION.md").unlink()
    assert readme.main(["--check", str(addon)]) == 1
    assert "readme/DESCRIPTION.md is missing" in capsys.readouterr().err


def test_unknown_fragment_refused(addon, capsys):
    (addon / "readme" / "DESCRIPTON.md").write_text("typo\n")
    assert readme.main([str(addon)]) == 1
    assert "unknown fragment readme/DESCRIPTON.md" in capsys.readouterr().err
    assert not (addon / "README.md").exists()


def test_empty_fragment_gives_no_section(addon):
    (addon / "readme" / "USAGE.md").write_text("\n")
    assert "## Usage" not in readme.build(addon)
