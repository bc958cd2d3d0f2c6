"""Provision a private Odoo 19.0 Community for the suite: source, virtual environment, stamp.

Standard library only, so that any interpreter can run it before Odoo exists. The harness
(``scripts/harness.py``) calls :func:`ensure_private_odoo` when the chosen Python cannot import
Odoo 19.0, or when provisioning is forced (``--private-odoo`` / ``ODOO_PROVISION=1``).

What it does, each step printing one line with its duration (tools' output goes to
``.local/logs/provision.log``):

1. find Odoo's source: ``$ODOO_SRC`` (a folder holding ``odoo-bin``, a ``.tar.xz`` /
   ``.tar.gz`` / ``.zip`` archive, or an https URL), else the archive beside the checkout in
   ``../shared/vendor/``, else Odoo's official 19.0 source archive (downloaded);
2. unpack an archive once into ``.local/odoo-19.0/``;
3. create the virtual environment ``.local/venv`` from the chosen Python;
4. install Odoo's requirements, with the pins this Python cannot build replaced as
   ``requirements-odoo-overrides.txt`` says;
5. install the suite's requirements, the test tools and the OCA wheels;
6. make Odoo importable in the venv (a ``.pth`` file pointing at the source);
7. write a stamp: the source's checksum, the requirements' hash and the Python's version. The
   next call with the same stamp does nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCAL_DIR = REPO_ROOT / ".local"
VENDOR_ARCHIVE = Path("shared") / "vendor" / "odoo-19.0-community.tar.xz"
OFFICIAL_URL = "https://nightly.odoo.com/19.0/nightly/src/odoo_19.0.latest.tar.gz"
OVERRIDES_FILE = "requirements-odoo-overrides.txt"
SUITE_REQUIREMENTS = ("requirements.txt", "requirements-test.txt")
OCA_REQUIREMENTS = "requirements-oca.txt"
ARCHIVE_SUFFIXES = {
    ".tar.xz": "r:xz",
    ".txz": "r:xz",
    ".tar.gz": "r:gz",
    ".tgz": "r:gz",
    ".zip": "zip",
}
STAMP_NAME = "serial-tracking-provision.json"
PTH_NAME = "odoo-19.0-source.pth"
HOW_TO_PROVIDE = (
    "Provide Odoo 19.0 Community source with ODOO_SRC=<a folder holding odoo-bin | a .tar.xz, "
    ".tar.gz or .zip archive of it | an https URL of such an archive>, or put the archive at "
    "../shared/vendor/odoo-19.0-community.tar.xz beside the checkout, or set PYTHON to an "
    "interpreter that imports Odoo 19.0."
)


class ProvisionError(RuntimeError):
    """A provisioning step failed; the message names the step, the log and the fix."""


@dataclass(frozen=True)
class OdooSource:
    kind: str  # "dir", "archive" or "url"
    location: str
    origin: str  # where it was found, for messages: "$ODOO_SRC", "vendor archive", ...

    def describe(self) -> str:
        return f"{self.location} ({self.origin})"


@dataclass
class Layout:
    """Where the provisioned pieces live, under one ``.local`` folder."""

    local: Path

    @property
    def venv(self) -> Path:
        return self.local / "venv"

    @property
    def source_dir(self) -> Path:
        return self.local / "odoo-19.0"

    @property
    def downloads(self) -> Path:
        return self.local / "downloads"

    @property
    def log(self) -> Path:
        return self.local / "logs" / "provision.log"

    @property
    def stamp(self) -> Path:
        return self.venv / STAMP_NAME

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"


# ----------------------------------------------------------------------------------- source


def archive_mode(path: str | os.PathLike) -> str | None:
    """How to open ``path`` (a ``tarfile`` mode or ``"zip"``), or None if it is no archive."""
    name = str(path).lower()
    for suffix, mode in ARCHIVE_SUFFIXES.items():
        if name.endswith(suffix):
            return mode
    return None


def resolve_source(
    env: dict | None = None, repo_root: Path = REPO_ROOT, official_url: str = OFFICIAL_URL
) -> OdooSource:
    """The first Odoo source that exists: ``$ODOO_SRC``, the vendor archive, the official URL."""
    env = os.environ if env is None else env
    given = (env.get("ODOO_SRC") or "").strip()
    if given:
        return _source_from_setting(given)
    vendor = repo_root.parent / VENDOR_ARCHIVE
    if vendor.is_file():
        return OdooSource("archive", str(vendor), "vendor archive beside the checkout")
    return OdooSource("url", official_url, "Odoo's official 19.0 source archive")


def _source_from_setting(given: str) -> OdooSource:
    if given.startswith("https://") or given.startswith("file://"):
        return OdooSource("url", given, "$ODOO_SRC")
    path = Path(given).expanduser()
    if path.is_dir():
        if not (path / "odoo-bin").is_file():
            raise ProvisionError(
                f"ODOO_SRC={given} is a folder without odoo-bin: point it at "
                f"the top folder of Odoo 19.0's source. {HOW_TO_PROVIDE}"
            )
        return OdooSource("dir", str(path.resolve()), "$ODOO_SRC")
    if path.is_file() and archive_mode(path):
        return OdooSource("archive", str(path.resolve()), "$ODOO_SRC")
    if path.exists():
        raise ProvisionError(
            f"ODOO_SRC={given} is neither a folder nor a .tar.xz, .tar.gz or "
            f".zip archive. {HOW_TO_PROVIDE}"
        )
    raise ProvisionError(f"ODOO_SRC={given} does not exist. {HOW_TO_PROVIDE}")


def file_sha256(path: Path, cache: dict | None = None) -> str:
    """sha256 of a file; ``cache`` (from the previous stamp) skips the read when size and
    modification time are unchanged."""
    stat = path.stat()
    key = f"{path}:{stat.st_size}:{stat.st_mtime_ns}"
    if cache and cache.get("key") == key:
        return cache["sha256"]
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if cache is not None:
        cache.update(key=key, sha256=digest.hexdigest())
    return digest.hexdigest()


def source_checksum(source_dir_or_archive: Path, kind: str, cache: dict | None = None) -> str:
    """What identifies the source: an archive's sha256, or for a folder its path and the
    digest of the files that say which Odoo it is."""
    if kind == "archive":
        return "sha256:" + file_sha256(source_dir_or_archive, cache)
    digest = hashlib.sha256(str(source_dir_or_archive).encode())
    for name in ("odoo/release.py", "requirements.txt"):
        file = source_dir_or_archive / name
        digest.update(file.read_bytes() if file.is_file() else b"-")
    return "dir:" + digest.hexdigest()


def download(url: str, dest_dir: Path, out=sys.stderr) -> Path:
    """Fetch ``url`` into ``dest_dir`` (kept for the next run) with a progress bar."""
    name = url.rstrip("/").rsplit("/", 1)[-1] or "odoo-source.tar.gz"
    if not archive_mode(name):
        name += ".tar.gz"
    dest = dest_dir / name
    if dest.is_file():
        return dest
    dest_dir.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=60) as response, partial.open("wb") as handle:
            total = int(response.headers.get("Content-Length") or 0)
            done = 0
            shown = -1
            for block in iter(lambda: response.read(1 << 16), b""):
                handle.write(block)
                done += len(block)
                shown = _progress(done, total, shown, out)
        out.write("\n")
    except (OSError, ValueError) as exc:
        partial.unlink(missing_ok=True)
        raise ProvisionError(
            f"could not download Odoo's source from {url}: {exc}. {HOW_TO_PROVIDE}"
        ) from exc
    partial.replace(dest)
    return dest


def _progress(done: int, total: int, shown: int, out) -> int:
    """Draw a 40-column bar (or a byte count when the size is unknown); return what was drawn."""
    if total:
        percent = done * 100 // total
        if percent == shown:
            return shown
        bar = "#" * (percent * 40 // 100)
        out.write(f"\r  [{bar:<40}] {percent:3d}% of {total / 1e6:.0f} MB")
        out.flush()
        return percent
    megabytes = done >> 20
    if megabytes != shown:
        out.write(f"\r  {megabytes} MB")
        out.flush()
    return megabytes


def unpack(archive: Path, dest: Path) -> Path:
    """Unpack ``archive`` so that ``dest`` becomes the folder holding ``odoo-bin``.

    The archive is extracted next to ``dest`` and moved into place only when complete, so an
    interrupted run never leaves a half-unpacked source behind. Members that would land outside
    the extraction folder (absolute paths, ``..``, links pointing out) are refused.
    """
    mode = archive_mode(archive)
    if not mode:
        raise ProvisionError(f"{archive} is not a .tar.xz, .tar.gz or .zip archive")
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".unpack-", dir=dest.parent))
    try:
        if mode == "zip":
            _extract_zip(archive, work)
        else:
            _extract_tar(archive, mode, work)
        root = _odoo_root(work)
        if root is None:
            raise ProvisionError(f"{archive} holds no odoo-bin: it is not Odoo's source")
        if dest.exists():
            shutil.rmtree(dest)
        root.replace(dest)
        return dest
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _inside(base: Path, name: str) -> bool:
    target = (base / name).resolve()
    return target == base or base in target.parents


def _extract_tar(archive: Path, mode: str, work: Path) -> None:
    """Check every member in Python, then let GNU tar write them (several times faster than
    ``tarfile`` on Odoo's 33,000 files); ``tarfile`` writes them where there is no tar."""
    compression = {"r:xz": "J", "r:gz": "z"}[mode]
    if mode == "r:xz" and not _has_lzma():
        # a Python built without liblzma cannot read the member list: GNU tar (which refuses
        # '..' members) unpacks it alone
        _gnu_tar(archive, compression, work)
        return
    base = work.resolve()
    with tarfile.open(archive, mode) as tar:
        members = tar.getmembers()
        for member in members:
            bad = not _inside(base, member.name)
            if member.issym() or member.islnk():
                link = (
                    member.linkname
                    if member.islnk()
                    else os.path.join(os.path.dirname(member.name), member.linkname)
                )
                bad = bad or os.path.isabs(member.linkname) or not _inside(base, link)
            if bad or member.isdev():
                raise ProvisionError(f"{archive}: refusing the unsafe member {member.name!r}")
        if shutil.which("tar"):
            _gnu_tar(archive, compression, work)
        elif hasattr(tarfile, "data_filter"):
            tar.extractall(work, members=members, filter="data")
        else:  # Python without PEP 706: the members were checked above
            tar.extractall(work, members=members)  # noqa: S202


def _gnu_tar(archive: Path, compression: str, work: Path) -> None:
    proc = _captured(
        [
            "tar",
            f"-x{compression}f",
            str(archive),
            "-C",
            str(work),
            "--no-same-owner",
            "--no-same-permissions",
        ]
    )
    if proc.returncode != 0:
        raise ProvisionError(f"tar could not unpack {archive}: {proc.stderr.strip()}")


def _has_lzma() -> bool:
    try:
        import lzma  # noqa: F401, PLC0415 - optional in Pythons built without liblzma
    except ImportError:
        return False
    return True


def _extract_zip(archive: Path, work: Path) -> None:
    base = work.resolve()
    with zipfile.ZipFile(archive) as zipped:
        for name in zipped.namelist():
            if not _inside(base, name):
                raise ProvisionError(f"{archive}: refusing the unsafe member {name!r}")
        zipped.extractall(work)
        for info in zipped.infolist():  # zip keeps Unix modes in the high bits
            mode = info.external_attr >> 16
            if mode & 0o111:
                (work / info.filename).chmod(mode & 0o777)


def _odoo_root(work: Path) -> Path | None:
    """The extracted folder holding ``odoo-bin``: the top level itself or its only child."""
    if (work / "odoo-bin").is_file():
        inner = Path(tempfile.mkdtemp(prefix=".root-", dir=work))
        for child in list(work.iterdir()):
            if child != inner:
                child.replace(inner / child.name)
        return inner
    children = [child for child in work.iterdir() if child.is_dir()]
    for child in children:
        if (child / "odoo-bin").is_file():
            return child
    return None


# ----------------------------------------------------------------------------- requirements

_REQUIREMENT_RE = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._\-]*)\s*(?:==\s*(?P<version>[^\s;#]+))?\s*"
    r"(?P<marker>;[^#]*)?(?:#.*)?$"
)


def parse_overrides(text: str) -> dict[tuple[str, str | None], str]:
    """``requirements-odoo-overrides.txt``: ``name[==version] -> replacement  # why`` lines.

    A line naming a version acts on that pin only; a bare name on every pin of the package.
    An empty replacement drops the requirement; ``{version}`` in it stands for Odoo's pinned
    version. Returns ``{(normalised name, version or None): replacement}``.
    """
    overrides: dict[tuple[str, str | None], str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if "->" not in line or "#" not in raw:
            raise ProvisionError(
                f"{OVERRIDES_FILE}:{number}: expected "
                f"'name[==version] -> replacement  # why', got {raw.strip()!r}"
            )
        pin, replacement = (part.strip() for part in line.split("->", 1))
        name, _sep, version = pin.partition("==")
        overrides[(_normalise(name), version.strip() or None)] = replacement
    return overrides


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def apply_overrides(requirements: str, overrides: dict[tuple[str, str | None], str]) -> str:
    """Odoo's ``requirements.txt`` with the overridden pins replaced (markers kept)."""
    lines = []
    for raw in requirements.splitlines():
        match = _REQUIREMENT_RE.match(raw)
        if not match or raw.lstrip().startswith("#"):
            lines.append(raw)
            continue
        name = _normalise(match["name"])
        replacement = overrides.get((name, match["version"]), overrides.get((name, None)))
        if replacement is None:
            lines.append(raw)
            continue
        if "{version}" in replacement:
            if not match["version"]:
                raise ProvisionError(
                    f"{OVERRIDES_FILE}: {name} has no pinned version in "
                    f"Odoo's requirements for {{version}}"
                )
            replacement = replacement.replace("{version}", match["version"])
        marker = (match["marker"] or "").strip()
        if replacement:
            lines.append(f"{replacement} {marker}".rstrip() + f"  # replaces: {raw.strip()}")
        else:
            lines.append(f"# dropped: {raw.strip()}")
    return "\n".join(lines) + "\n"


def requirements_hash(repo_root: Path, odoo_requirements: Path) -> str:
    """Digest of every requirements file the venv is built from."""
    digest = hashlib.sha256()
    files = [odoo_requirements, repo_root / OVERRIDES_FILE, repo_root / OCA_REQUIREMENTS]
    files += [repo_root / name for name in SUITE_REQUIREMENTS]
    for file in files:
        digest.update(file.name.encode() + b"\0")
        digest.update(file.read_bytes() if file.is_file() else b"-")
    return digest.hexdigest()


# ------------------------------------------------------------------------------------ stamp


def _captured(argv: list[str], **options) -> subprocess.CompletedProcess:
    """``argv`` run to the end, its output kept as text; never raises on its status."""
    return subprocess.run(argv, capture_output=True, text=True, check=False, **options)


def python_identity(python: str) -> str:
    """Version and path of an interpreter: a venv only serves the Python it was made from."""
    proc = _captured(
        [python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3], sys.executable)"]
    )
    if proc.returncode != 0:
        raise ProvisionError(f"cannot run {python}: {proc.stderr.strip()}")
    return proc.stdout.strip()


def read_stamp(layout: Layout) -> dict:
    try:
        return json.loads(layout.stamp.read_text())
    except (OSError, ValueError):
        return {}


def stamp_decision(stamp: dict, wanted: dict) -> str | None:
    """Why the venv must be provisioned again, or None when the stamp is warm."""
    if not stamp:
        return "no provisioned Odoo yet"
    for key, label in (
        ("python", "the Python"),
        ("source", "Odoo's source"),
        ("requirements", "the requirements"),
    ):
        if stamp.get(key) != wanted.get(key):
            return f"{label} changed"
    return None


# ------------------------------------------------------------------------------------ steps


def run_into(log, argv: list[str], env: dict, cwd: Path | None = None) -> int:
    """Run ``argv`` without input, its output (stdout and stderr) appended to the open
    ``log``; return its exit code."""
    return subprocess.run(
        argv,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        check=False,
    ).returncode


class Provisioner:
    """Runs the steps, one timed line each, the tools' output in the log."""

    def __init__(self, layout: Layout, base_python: str, out=sys.stderr):
        self.layout = layout
        self.base_python = base_python
        self.out = out

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def step(self, title: str, func, *args):
        started = time.time()
        try:
            result = func(*args)
        except ProvisionError as exc:
            self.say(f"provision: {title}: FAILED after {time.time() - started:.1f}s")
            raise ProvisionError(f"provisioning step '{title}' failed: {exc}") from exc
        self.say(f"provision: {title}: {time.time() - started:.1f}s")
        return result

    def run_logged(self, argv: list[str], what: str, fix: str) -> None:
        self.layout.log.parent.mkdir(parents=True, exist_ok=True)
        with self.layout.log.open("a") as log:
            log.write(f"\n$ {' '.join(argv)}\n")
            log.flush()
            env = dict(os.environ, PIP_ROOT_USER_ACTION="ignore", PIP_DISABLE_PIP_VERSION_CHECK="1")
            returncode = run_into(log, argv, env, cwd=REPO_ROOT)
        if returncode != 0:
            raise ProvisionError(
                f"{what} exited with {returncode}; see {self.layout.log} "
                f"(its end says which package). Fix: {fix}"
            )

    # -- the steps

    def fetch(self, source: OdooSource) -> OdooSource:
        if source.kind != "url":
            return source
        self.say(f"provision: downloading {source.location}")
        path = download(source.location, self.layout.downloads, self.out)
        return OdooSource("archive", str(path), source.origin)

    def unpack(self, archive: Path) -> Path:
        with self.layout.log.open("a") as log:
            log.write(f"\nunpacking {archive} into {self.layout.source_dir}\n")
        return unpack(archive, self.layout.source_dir)

    def system_packages(self) -> None:
        missing = missing_system_packages(self.base_python)
        if not missing:
            return
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            raise ProvisionError(
                f"missing Debian packages: {' '.join(missing)}. Fix: "
                f"sudo apt-get install {' '.join(missing)}"
            )
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for argv in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *missing]):
            with self.layout.log.open("a") as log:
                returncode = run_into(log, argv, env)
            if returncode != 0:
                raise ProvisionError(
                    f"'{' '.join(argv)}' failed; see {self.layout.log}. Fix: "
                    f"install {' '.join(missing)} by hand"
                )

    def venv(self) -> None:
        shutil.rmtree(self.layout.venv, ignore_errors=True)
        self.run_logged(
            [self.base_python, "-m", "venv", str(self.layout.venv)],
            "creating the virtual environment",
            f"check that '{self.base_python} -m venv' works",
        )

    def odoo_requirements(self, source_dir: Path) -> None:
        merged = apply_overrides(
            (source_dir / "requirements.txt").read_text(),
            parse_overrides((REPO_ROOT / OVERRIDES_FILE).read_text()),
        )
        target = self.layout.local / "odoo-requirements.txt"
        target.write_text(merged)
        self.run_logged(
            [str(self.layout.python), "-m", "pip", "install", "--prefer-binary", "-r", str(target)],
            "pip install of Odoo's requirements",
            f"add a line for the failing pin to {OVERRIDES_FILE}",
        )

    def suite_requirements(self) -> None:
        args = [arg for name in SUITE_REQUIREMENTS for arg in ("-r", name)]
        self.run_logged(
            [str(self.layout.python), "-m", "pip", "install", "--prefer-binary", *args],
            "pip install of the suite's requirements",
            "check the pins in requirements.txt / requirements-test.txt",
        )
        self.run_logged(
            [str(self.layout.python), "-m", "pip", "install", "--no-deps", "-r", OCA_REQUIREMENTS],
            "pip install of the OCA wheels",
            f"check {OCA_REQUIREMENTS}",
        )

    def link_odoo(self, source_dir: Path) -> None:
        proc = _captured(
            [
                str(self.layout.python),
                "-c",
                "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            ]
        )
        if proc.returncode != 0:
            raise ProvisionError(f"the venv's Python does not run: {proc.stderr.strip()}")
        site = Path(proc.stdout.strip())
        (site / PTH_NAME).write_text(str(source_dir) + "\n")
        check = _captured(
            [str(self.layout.python), "-c", "import odoo.release as r; print(r.version_info[0])"],
            cwd=tempfile.gettempdir(),
        )
        if check.returncode != 0 or check.stdout.strip() != "19":
            raise ProvisionError(
                f"the venv does not import Odoo 19 from {source_dir}: "
                f"{(check.stderr.strip().splitlines() or [check.stdout])[-1]}"
            )


def missing_system_packages(base_python: str) -> list[str]:
    """Debian packages without which the venv cannot be built or Odoo cannot start."""
    probe = (
        "import importlib.util as u, ctypes.util as c, sys\n"
        "print('%d.%d' % sys.version_info[:2])\n"
        "print(int(bool(u.find_spec('ensurepip'))), int(bool(u.find_spec('lzma'))),"
        " int(bool(c.find_library('magic'))))\n"
    )
    proc = _captured([base_python, "-c", probe])
    if proc.returncode != 0:
        raise ProvisionError(f"cannot run {base_python}: {proc.stderr.strip()}")
    version, flags = proc.stdout.split("\n")[:2]
    has_ensurepip, has_lzma, has_magic = (flag == "1" for flag in flags.split())
    missing = []
    if not has_ensurepip:
        missing.append(f"python{version}-venv")
    if not has_lzma and not shutil.which("xz"):
        missing.append("xz-utils")  # without Python's lzma, tar unpacks .tar.xz with xz
    if not has_magic:
        missing.append("libmagic1")
    return missing


def ensure_private_odoo(
    base_python: str,
    layout: Layout | None = None,
    env: dict | None = None,
    official_url: str = OFFICIAL_URL,
    out=sys.stderr,
) -> Path:
    """Provision (or reuse) ``.local/venv`` with Odoo 19.0; return its Python."""
    layout = layout or Layout(LOCAL_DIR)
    env = os.environ if env is None else env
    started = time.time()
    source = resolve_source(env, REPO_ROOT, official_url)
    stamp = read_stamp(layout)
    cache = dict(stamp.get("checksum_cache") or {})
    if source.kind == "url":
        cached = layout.downloads / (source.location.rstrip("/").rsplit("/", 1)[-1] or "-")
        checksum = source_checksum(cached, "archive", cache) if cached.is_file() else None
    else:
        checksum = source_checksum(Path(source.location), source.kind, cache)
    source_dir = Path(source.location) if source.kind == "dir" else layout.source_dir
    wanted = {
        "python": python_identity(base_python),
        "source": checksum,
        "requirements": requirements_hash(REPO_ROOT, source_dir / "requirements.txt"),
    }
    reason = stamp_decision(stamp, wanted) if checksum else "the source is not downloaded yet"
    if reason is None and layout.python.is_file():
        return layout.python
    reason = reason or "the virtual environment is missing"

    worker = Provisioner(layout, base_python, out)
    worker.say(
        f"provision: {reason}: building a private Odoo 19.0 in {layout.venv} from "
        f"{source.describe()}; tools' output in {layout.log}"
    )
    layout.log.parent.mkdir(parents=True, exist_ok=True)
    layout.log.write_text(f"provisioning started {time.ctime()}\n")
    worker.step("system packages", worker.system_packages)
    source = worker.step("source", worker.fetch, source)
    if source.kind == "archive":
        checksum = source_checksum(Path(source.location), "archive", cache)
        if stamp.get("source") != checksum or not (source_dir / "odoo-bin").is_file():
            worker.step("unpack", worker.unpack, Path(source.location))
    wanted["source"] = checksum
    wanted["requirements"] = requirements_hash(REPO_ROOT, source_dir / "requirements.txt")
    worker.step("virtual environment", worker.venv)
    worker.step("Odoo's requirements", worker.odoo_requirements, source_dir)
    worker.step("suite requirements", worker.suite_requirements)
    worker.step("link Odoo", worker.link_odoo, source_dir)
    layout.stamp.write_text(
        json.dumps(
            {**wanted, "checksum_cache": cache, "source_location": source.location}, indent=1
        )
    )
    worker.say(f"provision: done in {time.time() - started:.0f}s: {layout.python}")
    return layout.python
