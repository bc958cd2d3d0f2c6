"""Unit tests of the provisioning logic (scripts/provision.py), without network or Odoo."""

import io
import json
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import provision  # noqa: E402
from provision import (  # noqa: E402
    Layout,
    OdooSource,
    ProvisionError,
    apply_overrides,
    parse_overrides,
    resolve_source,
    stamp_decision,
    unpack,
)

REPO_ROOT = Path(__file__).resolve().parent.parent.parent

# ------------------------------------------------------------------------- fake Odoo sources

FILES = {
    "odoo-bin": "#!/usr/bin/env python3\n",
    "odoo/release.py": "version_info = (19, 0, 0, 'final', 0, '')\n",
    "requirements.txt": "cbor2==5.4.2 ; python_version < '3.12'\nlxml==4.9.3\n",
    "addons/stock/__manifest__.py": "{'name': 'Inventory'}\n",
}


def make_tree(folder: Path) -> Path:
    for name, text in FILES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (folder / "odoo-bin").chmod(0o755)
    return folder


def make_tar(path: Path, mode: str, top: str = "odoo-19.0") -> Path:
    with tarfile.open(path, mode) as tar:
        for name, text in FILES.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{top}/{name}" if top else name)
            info.size = len(data)
            info.mode = 0o755 if name == "odoo-bin" else 0o644
            tar.addfile(info, io.BytesIO(data))
    return path


def make_zip(path: Path, top: str = "odoo-19.0") -> Path:
    with zipfile.ZipFile(path, "w") as zipped:
        for name, text in FILES.items():
            info = zipfile.ZipInfo(f"{top}/{name}")
            info.external_attr = (0o755 if name == "odoo-bin" else 0o644) << 16
            zipped.writestr(info, text)
    return path


@pytest.fixture
def checkout(tmp_path):
    """A checkout folder with a sibling ``shared/`` and nothing in it yet."""
    repo = tmp_path / "main"
    repo.mkdir()
    return repo


def vendor_archive(repo: Path) -> Path:
    path = repo.parent / provision.VENDOR_ARCHIVE
    path.parent.mkdir(parents=True, exist_ok=True)
    return make_tar(path, "w:xz")


# ------------------------------------------------------------------------ source resolution


def test_odoo_src_folder_wins_over_vendor_archive(checkout, tmp_path):
    vendor_archive(checkout)
    src = make_tree(tmp_path / "my-odoo")
    source = resolve_source({"ODOO_SRC": str(src)}, checkout)
    assert source == OdooSource("dir", str(src.resolve()), "$ODOO_SRC")


@pytest.mark.parametrize("suffix", [".tar.xz", ".tar.gz", ".tgz", ".zip"])
def test_odoo_src_archive(checkout, tmp_path, suffix):
    archive = tmp_path / f"odoo{suffix}"
    archive.write_bytes(b"x")
    source = resolve_source({"ODOO_SRC": str(archive)}, checkout)
    assert (source.kind, source.location) == ("archive", str(archive.resolve()))


def test_odoo_src_url(checkout):
    url = "https://example.invalid/odoo_19.0.tar.gz"
    assert resolve_source({"ODOO_SRC": url}, checkout) == OdooSource("url", url, "$ODOO_SRC")


def test_vendor_archive_before_official_url(checkout):
    archive = vendor_archive(checkout)
    source = resolve_source({}, checkout)
    assert (source.kind, Path(source.location)) == ("archive", archive)


def test_official_url_last(checkout):
    source = resolve_source({}, checkout, official_url="https://example.invalid/o.tar.gz")
    assert (source.kind, source.location) == ("url", "https://example.invalid/o.tar.gz")


@pytest.mark.parametrize(
    "setup, expected",
    [
        ("missing", "does not exist"),
        ("folder", "without odoo-bin"),
        ("file", "neither a folder nor"),
    ],
)
def test_bad_odoo_src_says_how_to_provide(checkout, tmp_path, setup, expected):
    target = tmp_path / "given"
    if setup == "folder":
        target.mkdir()
    elif setup == "file":
        target.write_text("not an archive")
    with pytest.raises(ProvisionError) as caught:
        resolve_source({"ODOO_SRC": str(target)}, checkout)
    assert expected in str(caught.value)
    assert "ODOO_SRC=" in str(caught.value)


def test_no_source_at_all_fails_with_how_to_provide_it(checkout, tmp_path):
    """No $ODOO_SRC, no vendor archive and the official archive unreachable: one message that
    says how to provide Odoo, and nothing provisioned."""
    layout = Layout(tmp_path / "local")
    missing_url = (tmp_path / "nowhere" / "odoo_19.0.tar.gz").as_uri()
    source = resolve_source({}, checkout, official_url=missing_url)
    with pytest.raises(ProvisionError) as caught:
        provision.download(source.location, layout.downloads, io.StringIO())
    message = str(caught.value)
    assert "ODOO_SRC=" in message and "could not download" in message
    assert not any(layout.downloads.glob("*"))


# --------------------------------------------------------------------------- archive formats


@pytest.mark.parametrize(
    "name, maker",
    [
        ("odoo.tar.xz", lambda p: make_tar(p, "w:xz")),
        ("odoo.tar.gz", lambda p: make_tar(p, "w:gz")),
        ("odoo.tgz", lambda p: make_tar(p, "w:gz", top="odoo-19.0.post20261201")),
        ("odoo.zip", make_zip),
        ("flat.tar.gz", lambda p: make_tar(p, "w:gz", top="")),
    ],
)
def test_unpack_every_format(tmp_path, name, maker):
    archive = maker(tmp_path / name)
    dest = tmp_path / "local" / "odoo-19.0"
    assert unpack(archive, dest) == dest
    assert (dest / "odoo-bin").read_text() == FILES["odoo-bin"]
    assert (dest / "odoo-bin").stat().st_mode & 0o111
    assert (dest / "addons/stock/__manifest__.py").is_file()
    assert [p.name for p in dest.parent.iterdir()] == ["odoo-19.0"]  # no scratch left


def test_unpack_replaces_an_older_source(tmp_path):
    dest = tmp_path / "odoo-19.0"
    (dest / "stale").mkdir(parents=True)
    unpack(make_tar(tmp_path / "o.tar.gz", "w:gz"), dest)
    assert not (dest / "stale").exists()


def test_unpack_refuses_archive_without_odoo(tmp_path):
    archive = tmp_path / "other.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("project/README")
        tar.addfile(info, io.BytesIO(b""))
    with pytest.raises(ProvisionError, match="no odoo-bin"):
        unpack(archive, tmp_path / "odoo-19.0")
    assert not (tmp_path / "odoo-19.0").exists()


@pytest.mark.parametrize("member", ["../evil", "/etc/evil", "odoo-19.0/../../evil"])
def test_unpack_refuses_members_outside_the_folder(tmp_path, member):
    archive = tmp_path / "evil.tar.gz"
    make_tar(archive, "w:gz")
    with tarfile.open(archive, "w:gz") as tar:
        tar.addfile(tarfile.TarInfo(member), io.BytesIO(b""))
    with pytest.raises(ProvisionError, match="unsafe member"):
        unpack(archive, tmp_path / "local" / "odoo-19.0")
    assert not (tmp_path / "evil").exists()


def test_unpack_refuses_links_pointing_out(tmp_path):
    archive = tmp_path / "link.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        link = tarfile.TarInfo("odoo-19.0/passwd")
        link.type = tarfile.SYMTYPE
        link.linkname = "../../../etc/passwd"
        tar.addfile(link)
    with pytest.raises(ProvisionError, match="unsafe member"):
        unpack(archive, tmp_path / "odoo-19.0")


# ------------------------------------------------------------------------------ the stamp


WARM = {"python": "3.11.7 /usr/bin/python3", "source": "sha256:aa", "requirements": "r1"}


@pytest.mark.parametrize(
    "change, reason",
    [
        ({}, None),
        ({"source": "sha256:bb"}, "Odoo's source changed"),
        ({"requirements": "r2"}, "the requirements changed"),
        ({"python": "3.12.1 /usr/bin/python3"}, "the Python changed"),
    ],
)
def test_stamp_decision(change, reason):
    assert stamp_decision(dict(WARM), {**WARM, **change}) == reason


def test_no_stamp_means_provision():
    assert stamp_decision({}, WARM) == "no provisioned Odoo yet"


def test_requirements_hash_follows_every_file(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    odoo_req = tmp_path / "requirements.txt"
    odoo_req.write_text("lxml==4.9.3\n")
    for name in (
        *provision.SUITE_REQUIREMENTS,
        provision.OCA_REQUIREMENTS,
        provision.OVERRIDES_FILE,
    ):
        (repo / name).write_text("# empty\n")
    first = provision.requirements_hash(repo, odoo_req)
    assert provision.requirements_hash(repo, odoo_req) == first
    seen = {first}
    for file in [
        odoo_req,
        *(repo / name for name in provision.SUITE_REQUIREMENTS),
        repo / provision.OCA_REQUIREMENTS,
        repo / provision.OVERRIDES_FILE,
    ]:
        file.write_text(file.read_text() + "changed==1\n")
        seen.add(provision.requirements_hash(repo, odoo_req))
    assert len(seen) == 6


def test_archive_checksum_cache_skips_rereading_unchanged_file(tmp_path):
    archive = make_tar(tmp_path / "o.tar.gz", "w:gz")
    cache: dict = {}
    first = provision.source_checksum(archive, "archive", cache)
    assert cache["sha256"] == first.split(":", 1)[1]
    cache["sha256"] = "remembered"  # same size and mtime: the cache answers
    assert provision.source_checksum(archive, "archive", cache) == "sha256:remembered"
    archive.write_bytes(archive.read_bytes() + b"\0")  # a changed file is read again
    assert provision.source_checksum(archive, "archive", cache) != "sha256:remembered"


def test_warm_stamp_reuses_the_venv_without_any_step(tmp_path, monkeypatch):
    """A stamp that matches: ensure_private_odoo returns the venv at once (no step runs)."""
    src = make_tree(tmp_path / "odoo-src")
    layout = Layout(tmp_path / "local")
    layout.python.parent.mkdir(parents=True)
    layout.python.write_text("")
    identity = provision.python_identity(sys.executable)
    wanted = {
        "python": identity,
        "source": provision.source_checksum(src.resolve(), "dir"),
        "requirements": provision.requirements_hash(REPO_ROOT, src / "requirements.txt"),
    }
    layout.stamp.write_text(json.dumps(wanted))
    monkeypatch.setattr(
        provision.Provisioner, "step", lambda *a: pytest.fail("a warm stamp must not run any step")
    )
    out = io.StringIO()
    result = provision.ensure_private_odoo(sys.executable, layout, {"ODOO_SRC": str(src)}, out=out)
    assert result == layout.python and out.getvalue() == ""
    # a changed source is noticed: provisioning starts (its first step is stopped here)
    (src / "odoo/release.py").write_text("version_info = (19, 0, 1, 'final', 0, '')\n")
    monkeypatch.setattr(
        provision.Provisioner,
        "step",
        lambda self, title, *a: (_ for _ in ()).throw(ProvisionError(f"stopped at {title}")),
    )
    with pytest.raises(ProvisionError, match="stopped at system packages"):
        provision.ensure_private_odoo(sys.executable, layout, {"ODOO_SRC": str(src)}, out=out)
    assert "Odoo's source changed" in out.getvalue()


# ------------------------------------------------------------------------ the pin overrides


def test_overrides_replace_exact_pins_and_keep_markers():
    overrides = parse_overrides(
        "cbor2==5.4.2 -> cbor2==5.4.6  # no wheel\n"
        "psycopg2 -> psycopg2-binary=={version}  # wheel\n"
        "python-ldap ->  # not needed\n"
    )
    merged = apply_overrides(
        "cbor2==5.4.2 ; python_version < '3.12'\n"
        "cbor2==5.6.2 ; python_version >= '3.12'\n"
        "psycopg2==2.9.5 ; python_version == '3.11'\n"
        "python_ldap==3.4.0 ; sys_platform != 'win32'\n"
        "# a comment\n"
        "lxml==4.9.3\n",
        overrides,
    ).splitlines()
    assert merged[0].startswith("cbor2==5.4.6 ; python_version < '3.12'  # replaces:")
    assert merged[1] == "cbor2==5.6.2 ; python_version >= '3.12'"  # another pin: untouched
    assert merged[2].startswith("psycopg2-binary==2.9.5 ; python_version == '3.11'")
    assert merged[3].startswith("# dropped: python_ldap==3.4.0")
    assert merged[4:] == ["# a comment", "lxml==4.9.3"]


@pytest.mark.parametrize("line", ["cbor2 == 5.4.6", "cbor2 -> cbor2==5.4.6"])
def test_override_lines_need_arrow_and_reason(line):
    with pytest.raises(ProvisionError, match="# why"):
        parse_overrides(line + "\n")


def test_repository_overrides_file_parses_and_acts_on_odoo_pins():
    overrides = parse_overrides((REPO_ROOT / provision.OVERRIDES_FILE).read_text())
    assert overrides, "the overrides file lists the pins that do not build"
    odoo_like = (
        "cbor2==5.4.2 ; python_version < '3.12'\npsycopg2==2.9.5 ; python_version == '3.11'\n"
    )
    merged = apply_overrides(odoo_like, overrides)
    assert "cbor2==5.4.2 ;" not in merged.replace("# replaces: cbor2==5.4.2", "")
    assert "psycopg2-binary==2.9.5" in merged
