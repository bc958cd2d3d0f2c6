#!/usr/bin/env python3
"""Shared harness for running Odoo 19.0 against the serial_tracking addons.

Standard library only and no ``odoo`` import at module level, so that any script (``bench/``,
``scripts/test``, ``scripts/run``) can import it whether Odoo is installed or not. Odoo is
inspected through a subprocess of the chosen interpreter (``$PYTHON``, else this one).

What it offers:

* :func:`ensure_odoo_python`: the interpreter that runs Odoo -- ``$PYTHON`` when it imports
  Odoo 19.0, else the private Odoo of ``.local/venv`` that ``scripts/provision.py`` builds.
* :func:`probe_odoo` / :func:`addons_path`: find the importable Odoo, its addons folders
  (core, community, wheels installed into ``site-packages/odoo/addons`` such as the OCA
  ``helpdesk_mgmt``), this repository and ``$EXTRA_ADDONS_PATH``.
* :class:`Cluster`: a private PostgreSQL cluster in a folder (``initdb`` as the unprivileged
  ``postgres`` user when we are root; superuser ``odoo``; trust auth on 127.0.0.1 and on a unix
  socket inside the folder; a free TCP port; start/stop/status; reused when already there).
* :func:`write_odoo_config` / :func:`odoo_command` / :func:`odoo_env`: an Odoo config file and the
  ``python -m odoo`` command line (the ``odoo`` console script of an editable install may fail on
  ``pkg_resources`` requirement checks, ``-m odoo`` always works).
* :func:`run_odoo_suite`: the Odoo part of ``scripts/test`` (fresh database, tests, log checks).
* :func:`serve`: the body of ``scripts/run``.

Command line: ``python3 scripts/harness.py --help``.
"""

from __future__ import annotations

import argparse
import ast
import configparser
import contextlib
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCAL_DIR = REPO_ROOT / ".local"
SUITE_MODULES = (
    "serial_tracking",
    "serial_tracking_mrp",
    "serial_tracking_repair",
    "serial_tracking_helpdesk",
    "serial_tracking_account",
)
# Community modules installed next to the suite (not tested themselves) so that the code
# paths the suite has for them run too: product_expiry gives labels their AI 17 expiry.
TEST_COMPANIONS = ("product_expiry",)
DB_SUPERUSER = "odoo"  # Odoo refuses to connect as 'postgres'
PG_SYSTEM_USER = os.environ.get("PG_SYSTEM_USER", "postgres")
ODOO_MAJOR = 19

# Environment variables Odoo 19 reads as option values. They take precedence over the config
# file, so they are removed from the environment of every Odoo process we start: the config
# file we write is then the single source of truth.
_ODOO_ENV_PREFIXES = ("ODOO_",)
_ODOO_ENV_KEEP = {"ODOO_TEST_MAX_FAILED_TESTS"}
_PG_ENV = {
    "PGHOST",
    "PGPORT",
    "PGUSER",
    "PGPASSWORD",
    "PGDATABASE",
    "PGPATH",
    "PGHOST_REPLICA",
    "PGPORT_REPLICA",
    "PGSSLMODE",
    "PGAPPNAME",
    "PGDATABASE_TEMPLATE",
}

LOG_RE = re.compile(
    r"^(?P<date>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) (?P<pid>\d+) (?P<level>[A-Z?]+) "
    r"(?P<db>\S+) (?P<logger>[\w.\-]+): (?P<msg>.*)$"
)
TEST_RESULT_RE = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<total>\d+) tests "
    r"when loading database"
)
SKIPPED_RE = re.compile(r"^skipped (?P<test>.+?) : (?P<reason>.*)$")


def log(msg: str) -> None:
    print(msg, flush=True)


def truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


# --------------------------------------------------------------------------------------------
# Odoo discovery
# --------------------------------------------------------------------------------------------

_PROBE = r"""
import json, sys
try:
    import odoo.release as release
    import odoo.addons
    import odoo
except Exception as exc:
    print(json.dumps({"error": "%s: %s" % (type(exc).__name__, exc)}))
    sys.exit(0)
print(json.dumps({
    "version_info": list(release.version_info[:2]),
    "version": release.version,
    "odoo_path": list(odoo.__path__),
    "addons_path": list(odoo.addons.__path__),
    "executable": sys.executable,
}))
"""


def python_executable() -> str:
    """The interpreter that runs Odoo: ``$PYTHON`` if set, else the one running this code."""
    return os.environ.get("PYTHON") or sys.executable


def probe_odoo(python: str | None = None) -> dict:
    """Describe the Odoo importable by ``python``.

    Returns a dict with ``version_info`` ([major, minor]), ``odoo_path``, ``addons_path``; or
    ``{"error": ...}`` when Odoo cannot be imported (or ``$ODOO_DISABLE`` is set).
    """
    if truthy(os.environ.get("ODOO_DISABLE")):
        return {"error": "disabled by ODOO_DISABLE"}
    python = python or python_executable()
    try:
        proc = subprocess.run(
            [python, "-c", _PROBE],
            capture_output=True,
            text=True,
            cwd=tempfile.gettempdir(),
            env=odoo_env(),
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {"error": f"cannot run {python}: {exc}"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {"error": (proc.stderr.strip().splitlines() or ["no output"])[-1]}


def is_supported_odoo(info: dict) -> bool:
    return "error" not in info and info.get("version_info", [0])[0] == ODOO_MAJOR


def provision_forced(flag: bool = False) -> bool:
    """``--private-odoo`` or ``$ODOO_PROVISION``: build the private Odoo even if ``$PYTHON``
    imports one."""
    return flag or truthy(os.environ.get("ODOO_PROVISION"))


def is_private_python(python: str) -> bool:
    """True for the Python of the provisioned ``.local/venv``."""
    return Path(python).absolute() == (LOCAL_DIR / "venv" / "bin" / "python").absolute()


def ensure_odoo_python(force: bool = False) -> str:
    """The interpreter that runs Odoo, provisioning a private Odoo 19.0 when needed.

    ``$PYTHON`` (else this interpreter) when it imports Odoo 19.0 and nothing forces the
    private one; otherwise the Python of ``.local/venv``, built or reused by
    ``scripts/provision.py``. ``$PYTHON`` is set to the answer for the rest of this process.
    Raises ``provision.ProvisionError`` (step, log and fix in its message) when no Odoo can be
    had. With ``$ODOO_DISABLE`` nothing is provisioned.
    """
    python = python_executable()
    if truthy(os.environ.get("ODOO_DISABLE")):
        return python
    if not provision_forced(force) and is_supported_odoo(probe_odoo(python)):
        return python
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import provision  # noqa: PLC0415 - only needed when Odoo is missing

    private = str(provision.ensure_private_odoo(python))
    os.environ["PYTHON"] = private
    return private


def is_addons_dir(path: str | os.PathLike) -> bool:
    """True if ``path`` holds at least one Odoo module (``__init__.py`` + ``__manifest__.py``)."""
    path = Path(path)
    if not path.is_dir():
        return False
    try:
        children = list(path.iterdir())
    except OSError:
        return False
    return any(
        (child / "__manifest__.py").is_file() and (child / "__init__.py").is_file()
        for child in children
    )


def extra_addons_dirs() -> list[str]:
    """Folders from ``$EXTRA_ADDONS_PATH`` (separated by ``:`` or ``,``)."""
    raw = os.environ.get("EXTRA_ADDONS_PATH", "")
    return [part for part in re.split(r"[:,]", raw) if part.strip()]


def addons_path(info: dict, extra: list[str] | None = None) -> list[str]:
    """The addons path: Odoo core, community addons, wheel-installed addons, repo, extras."""
    candidates: list[str] = []
    candidates += info.get("addons_path", [])  # core dir and every site-packages odoo/addons
    for odoo_dir in info.get("odoo_path", []):
        candidates.append(os.path.join(odoo_dir, "addons"))
        candidates.append(os.path.join(os.path.dirname(odoo_dir), "addons"))  # community addons
    candidates.append(str(REPO_ROOT))
    candidates += extra_addons_dirs() if extra is None else extra
    result: list[str] = []
    for candidate in candidates:
        real = os.path.realpath(os.path.expanduser(candidate.strip()))
        if real not in result and is_addons_dir(real):
            result.append(real)
    return result


def find_module(name: str, paths: list[str]) -> str | None:
    for path in paths:
        if (Path(path) / name / "__manifest__.py").is_file():
            return str(Path(path) / name)
    return None


def suite_modules() -> list[str]:
    """Modules to install and test: ``$ODOO_TEST_MODULES`` or the suite addons present here."""
    raw = os.environ.get("ODOO_TEST_MODULES", "").strip()
    if raw:
        return [m.strip() for m in raw.split(",") if m.strip()]
    return [m for m in SUITE_MODULES if (REPO_ROOT / m / "__manifest__.py").is_file()]


# --------------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------------


def find_pg_bindir() -> Path:
    """Directory of ``initdb``/``pg_ctl``: ``$PG_BINDIR``, newest Debian one, or ``$PATH``."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if debian:
        return debian[-1].parent
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    raise RuntimeError(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: install the Debian package "
        "'postgresql' or set PG_BINDIR"
    )


def free_port(preferred: int | None = None) -> int:
    """A TCP port free on 127.0.0.1 (``preferred`` if it is free)."""
    if preferred and port_is_free(preferred):
        return preferred
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Cluster:
    """A private PostgreSQL cluster kept in ``folder``.

    Layout: ``folder/pgdata`` (the cluster), ``folder/run`` (unix socket), ``folder/port``
    (last port used), ``folder/postgresql.log``. When we are root the cluster belongs to the
    unprivileged ``$PG_SYSTEM_USER`` (``postgres``) and every server command runs as that user.
    ``fast=True`` turns durability off (fsync, synchronous_commit): for throwaway test clusters.
    """

    def __init__(self, folder: str | os.PathLike, fast: bool = False):
        self.folder = Path(folder).resolve()
        self.data = self.folder / "pgdata"
        self.sockdir = self.folder / "run"
        self.logfile = self.folder / "postgresql.log"
        self.portfile = self.folder / "port"
        self.fast = fast
        self._bindir: Path | None = None

    # -- helpers -------------------------------------------------------------------------------
    @property
    def bindir(self) -> Path:
        if self._bindir is None:
            self._bindir = find_pg_bindir()
        return self._bindir

    @property
    def as_root(self) -> bool:
        return os.geteuid() == 0

    def _owner(self) -> pwd.struct_passwd | None:
        if not self.as_root:
            return None
        try:
            return pwd.getpwnam(PG_SYSTEM_USER)
        except KeyError:
            subprocess.run(
                [
                    "useradd",
                    "--system",
                    "--user-group",
                    "--no-create-home",
                    "--shell",
                    "/usr/sbin/nologin",
                    PG_SYSTEM_USER,
                ],
                check=True,
            )
            return pwd.getpwnam(PG_SYSTEM_USER)

    def _wrap(self, argv: list[str]) -> list[str]:
        """Run ``argv`` as the cluster owner (unprivileged user when we are root)."""
        owner = self._owner()
        if owner is None:
            return argv
        if shutil.which("runuser"):
            return ["runuser", "-u", owner.pw_name, "--", *argv]
        return [
            "setpriv",
            f"--reuid={owner.pw_uid}",
            f"--regid={owner.pw_gid}",
            "--init-groups",
            "--",
            *argv,
        ]

    def _run(self, argv: list[str], check: bool = True) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k not in _PG_ENV}
        env.setdefault("LC_ALL", "C.UTF-8")
        return subprocess.run(
            self._wrap(argv),
            cwd=self.folder,
            env=env,
            capture_output=True,
            text=True,
            check=check,
        )

    def _chown(self, path: Path) -> None:
        owner = self._owner()
        if owner is not None:
            os.chown(path, owner.pw_uid, owner.pw_gid)

    def _check_reachable(self) -> None:
        """The cluster owner must be able to reach the folder through every parent."""
        owner = self._owner()
        if owner is None:
            return
        proc = subprocess.run(self._wrap(["test", "-w", str(self.folder)]), check=False)
        if proc.returncode != 0:
            raise RuntimeError(
                f"user {owner.pw_name!r} cannot write {self.folder}: every parent folder must "
                f"be searchable by it (chmod o+x), or choose another folder"
            )

    # -- state ---------------------------------------------------------------------------------
    @property
    def initialised(self) -> bool:
        return (self.data / "PG_VERSION").is_file()

    def status(self) -> dict:
        """``{"running": bool, "port": int | None, "pid": int | None}``."""
        if not self.initialised:
            return {"running": False, "port": None, "pid": None}
        proc = self._run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "status"], check=False)
        if proc.returncode != 0:
            return {"running": False, "port": None, "pid": None}
        lines = (self.data / "postmaster.pid").read_text().splitlines()
        return {"running": True, "pid": int(lines[0]), "port": int(lines[3])}

    @property
    def port(self) -> int | None:
        return self.status()["port"]

    # -- actions -------------------------------------------------------------------------------
    def init(self) -> None:
        if self.initialised:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self._chown(self.folder)
        self.folder.chmod(0o755)
        self._check_reachable()
        for sub in (self.data, self.sockdir):
            sub.mkdir(exist_ok=True)
            self._chown(sub)
            sub.chmod(0o700)
        self.logfile.touch()
        self._chown(self.logfile)
        locale = "C.UTF-8" if self._locale_exists("C.UTF-8") else "C"
        argv = [
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            DB_SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            f"--locale={locale}",
        ]
        if self.fast:
            argv.append("--no-sync")
        proc = self._run(argv, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{proc.stdout}\n{proc.stderr}")
        (self.data / "pg_hba.conf").write_text(
            "# written by scripts/harness.py: trust on the private socket and 127.0.0.1 only\n"
            "local   all   all                 trust\n"
            "host    all   all   127.0.0.1/32  trust\n"
        )
        sockdir = str(self.sockdir)
        if len(sockdir) > 90:  # unix socket paths are limited to 107 bytes
            sockdir = ""
        settings = [
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{sockdir}'",
            "max_connections = 100",
            "shared_buffers = 256MB",
            "logging_collector = off",
        ]
        if self.fast:
            settings += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# serial_tracking harness\n" + "\n".join(settings) + "\n")

    @staticmethod
    def _locale_exists(name: str) -> bool:
        try:
            out = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False)
        except OSError:
            return False
        wanted = name.lower().replace("-", "")
        return any(line.lower().replace("-", "") == wanted for line in out.stdout.splitlines())

    def start(self) -> int:
        """Initialise if needed, start if not running; return the TCP port."""
        self.init()
        state = self.status()
        if state["running"]:
            return state["port"]
        preferred = None
        if self.portfile.is_file():
            with contextlib.suppress(ValueError):
                preferred = int(self.portfile.read_text().strip())
        port = free_port(preferred)
        proc = self._run(
            [
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.logfile),
                "-w",
                "-t",
                "120",
                "-o",
                f"-p {port}",
                "start",
            ],
            check=False,
        )
        if proc.returncode != 0:
            tail = self.logfile.read_text(errors="replace")[-3000:] if self.logfile.exists() else ""
            raise RuntimeError(f"pg_ctl start failed:\n{proc.stdout}\n{proc.stderr}\n{tail}")
        self.portfile.write_text(f"{port}\n")
        return port

    def stop(self) -> None:
        if self.status()["running"]:
            self._run(
                [
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-m",
                    "fast",
                    "-w",
                    "-t",
                    "120",
                    "stop",
                ],
                check=False,
            )

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def db_params(self) -> dict:
        port = self.port
        if port is None:
            raise RuntimeError(f"cluster in {self.folder} is not running")
        return {"db_host": "127.0.0.1", "db_port": port, "db_user": DB_SUPERUSER, "db_password": ""}


def external_server() -> dict | None:
    """Database server configured outside the project, if any.

    ``$PGHOST`` (with ``$PGPORT``, ``$PGUSER``, ``$PGPASSWORD``), else ``db_host`` in ``$ODOO_RC``
    or ``~/.odoorc``. ``None`` means: start our own cluster.
    """
    if os.environ.get("PGHOST"):
        return {
            "db_host": os.environ["PGHOST"],
            "db_port": os.environ.get("PGPORT") or "",
            "db_user": os.environ.get("PGUSER") or "",
            "db_password": os.environ.get("PGPASSWORD") or "",
        }
    rc = os.environ.get("ODOO_RC") or os.path.expanduser("~/.odoorc")
    if os.path.isfile(rc):
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(rc)
        except configparser.Error:
            return None
        options = parser["options"] if parser.has_section("options") else {}
        host = (options.get("db_host") or "").strip()
        if host and host.lower() not in {"false", "none"}:

            def opt(key: str) -> str:
                value = (options.get(key) or "").strip()
                return "" if value.lower() in {"false", "none"} else value

            return {
                "db_host": host,
                "db_port": opt("db_port"),
                "db_user": opt("db_user"),
                "db_password": opt("db_password"),
            }
    return None


# --------------------------------------------------------------------------------------------
# Odoo config, environment and commands
# --------------------------------------------------------------------------------------------


def odoo_env(base: dict | None = None) -> dict:
    """Environment for Odoo processes: without the variables Odoo reads as options."""
    env = dict(os.environ if base is None else base)
    for key in list(env):
        if key in _PG_ENV or (key.startswith(_ODOO_ENV_PREFIXES) and key not in _ODOO_ENV_KEEP):
            del env[key]
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def write_odoo_config(
    path: str | os.PathLike, db: dict, paths: list[str], data_dir: str, **options
) -> Path:
    """Write an Odoo config file (``[options]``) and return its path."""
    values = {
        key: db[key] for key in ("db_host", "db_port", "db_user", "db_password") if db.get(key)
    }
    values.update(
        {
            "addons_path": ",".join(paths),
            "data_dir": data_dir,
            "http_interface": "127.0.0.1",
            "proxy_mode": "False",
            "max_cron_threads": "0",
        }
    )
    values.update({k: str(v) for k, v in options.items()})
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["[options]"] + [f"{key} = {value}" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def install_command(config: str | os.PathLike, dbname: str, modules, *extra: str) -> list[str]:
    """Odoo installing ``modules`` on ``dbname`` then stopping, warnings and up logged."""
    return odoo_command(
        config,
        "-d",
        dbname,
        "-i",
        ",".join(modules),
        *extra,
        "--stop-after-init",
        "--log-level=warn",
    )


def odoo_command(config: str | os.PathLike, *args: str, python: str | None = None) -> list[str]:
    """``python -m odoo server -c CONFIG ARGS...``."""
    return [python or python_executable(), "-m", "odoo", "server", "-c", str(config), *args]


_DB_SNIPPET = r"""
import json, sys
import psycopg2
params, action, name, modules = json.loads(sys.argv[1])
conn = psycopg2.connect(dbname="postgres", **params)
conn.autocommit = True
cur = conn.cursor()
cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
exists = bool(cur.fetchone())
result = {"exists": exists}
if action == "drop" and exists:
    cur.execute('DROP DATABASE "%s" WITH (FORCE)' % name.replace('"', '""'))
    result["dropped"] = True
elif action == "modules" and exists:
    conn2 = psycopg2.connect(dbname=name, **params)
    cur2 = conn2.cursor()
    try:
        cur2.execute("SELECT name, state FROM ir_module_module WHERE name = ANY(%s)", [modules])
        result["modules"] = dict(cur2.fetchall())
    except psycopg2.Error:
        result["modules"] = {}
    conn2.close()
conn.close()
print(json.dumps(result))
"""


def db_query(
    db: dict, action: str, name: str, modules: list[str] | None = None, python: str | None = None
) -> dict:
    """``exists`` / ``drop`` / ``modules`` (states of ``modules``) on database ``name``.

    Runs psycopg2 (an Odoo dependency) in the Odoo interpreter, so it works with our cluster
    and with an external server alike.
    """
    params = {"host": db["db_host"]}
    for key, pg_key in (("db_port", "port"), ("db_user", "user"), ("db_password", "password")):
        if db.get(key):
            params[pg_key] = str(db[key])
    proc = subprocess.run(
        [
            python or python_executable(),
            "-c",
            _DB_SNIPPET,
            json.dumps([params, action, name, modules or []]),
        ],
        capture_output=True,
        text=True,
        env=odoo_env(),
        cwd=tempfile.gettempdir(),
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"database query failed: {proc.stderr.strip()}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------
# Running Odoo and reading its log
# --------------------------------------------------------------------------------------------


class LogScan:
    """Collects what matters from an Odoo log, record by record (tracebacks included)."""

    def __init__(self, modules: list[str]):
        self.modules = modules
        self.problems: list[str] = []  # ERROR / CRITICAL records (first lines + traceback)
        self.test_failures: list[str] = []  # FAIL:/ERROR: records of tests
        self.skipped: list[str] = []
        self.result: dict | None = None
        self.warnings = 0
        self._current: list[str] | None = None
        self._current_kind = ""

    def feed(self, line: str) -> None:
        line = line.rstrip("\n")
        match = LOG_RE.match(line)
        if not match:
            if self._current is not None and len(self._current) < 60:
                self._current.append(line)
            return
        self._close()
        level, logger, msg = match["level"], match["logger"], match["msg"]
        if level == "WARNING":
            self.warnings += 1
        result = TEST_RESULT_RE.search(msg) if logger == "odoo.tests.result" else None
        if result:
            self.result = {k: int(v) for k, v in result.groupdict().items()}
            return
        skipped = SKIPPED_RE.match(msg)
        if skipped:  # any logger: a class-level skip is logged by unittest.suite
            self.skipped.append(f"{logger}: {skipped['test']} : {skipped['reason']}")
            return
        if level in {"ERROR", "CRITICAL"}:
            if re.match(r"^(FAIL|ERROR): ", msg) or (
                logger == "odoo.modules.loading"
                and re.match(r"^(Module \S+: \d+ failures|At least one test failed)", msg)
            ):
                self._current_kind = "test"
            else:
                self._current_kind = "problem"
            self._current = [line]

    def is_test_record(self, record: str) -> bool:
        """True if the record was logged by a test module of the tested addons."""
        match = LOG_RE.match(record.splitlines()[0])
        return bool(match) and any(
            match["logger"].startswith(f"odoo.addons.{m}.tests") for m in self.modules
        )

    def _close(self) -> None:
        if self._current is not None:
            text = "\n".join(self._current)
            (self.test_failures if self._current_kind == "test" else self.problems).append(text)
        self._current = None

    def finish(self) -> None:
        self._close()


def stream_process(
    argv: list[str],
    logfile: Path,
    env: dict,
    scan: LogScan | None = None,
    echo: bool = True,
    cwd: str | None = None,
) -> int:
    """Run ``argv``; copy its output to ``logfile`` and (if ``echo``) the terminal.

    The working directory defaults to the log's folder, never the repository root (see
    :func:`serve`).
    """
    logfile.parent.mkdir(parents=True, exist_ok=True)
    with open(logfile, "a", encoding="utf-8") as out:
        out.write(f"$ {' '.join(argv)}\n")
        proc = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=cwd or str(logfile.parent),
            text=True,
            errors="replace",
            bufsize=1,
        )
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                out.write(line)
                if echo:
                    sys.stdout.write(line)
                    sys.stdout.flush()
                if scan is not None:
                    scan.feed(line)
            return proc.wait()
        except BaseException:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
            raise
        finally:
            if scan is not None:
                scan.finish()


def run_odoo_suite(
    folder: str | os.PathLike,
    result_file: str | os.PathLike | None = None,
    install_check: bool = True,
) -> dict:
    """Install the suite on a fresh database of a throwaway cluster in ``folder`` and test it.

    Returns (and writes to ``result_file`` as ``key=value`` lines) ``status`` (``ok``,
    ``failed``, ``notrun``), ``passed``, ``failed`` and the checks that failed. With
    ``install_check`` it then runs :func:`install_uninstall_check` on a second database.
    """
    started = time.time()
    outcome: dict = {"status": "notrun", "passed": 0, "failed": 0, "checks_failed": []}

    def done() -> dict:
        outcome["seconds"] = round(time.time() - started, 1)
        if result_file:
            Path(result_file).write_text(
                "".join(
                    f"{k}={','.join(v) if isinstance(v, list) else v}\n" for k, v in outcome.items()
                )
            )
        return outcome

    info = probe_odoo()
    if not is_supported_odoo(info):
        reason = info.get("error") or f"found Odoo {info.get('version')}"
        log(
            f"Odoo suite NOT RUN: Odoo 19.0 is not importable by "
            f"{os.path.basename(python_executable())} ({python_executable()}: {reason})"
        )
        return done()

    modules = suite_modules()
    paths = addons_path(info)
    missing = [m for m in modules if not find_module(m, paths)]
    if not modules or missing:
        log(f"Odoo suite: modules not found in the addons path: {missing or 'none selected'}")
        log(f"  addons path: {','.join(paths)}")
        outcome.update(status="failed", failed=1, checks_failed=["modules-missing"])
        return done()

    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)  # the cluster owner (postgres) must reach folder/postgres
    artifacts = LOCAL_DIR / "test"
    artifacts.mkdir(parents=True, exist_ok=True)
    logfile = artifacts / "odoo-suite.log"
    logfile.write_text("")
    cluster = Cluster(folder / "postgres", fast=True)
    try:
        t0 = time.time()
        cluster.start()
        log(
            f"PostgreSQL: throwaway cluster in {cluster.folder} on 127.0.0.1:{cluster.port} "
            f"(as {PG_SYSTEM_USER if os.geteuid() == 0 else 'current user'}), "
            f"{time.time() - t0:.1f}s"
        )
        db = cluster.db_params()
        http_port = free_port()
        config = write_odoo_config(
            folder / "odoo.conf",
            db,
            paths,
            str(folder / "odoo-data"),
            http_port=http_port,
            screenshots=str(artifacts / "screenshots"),
        )
        dbname = "st_test"
        tags = ",".join(f"/{m}" for m in modules)
        argv = odoo_command(
            config,
            "-d",
            dbname,
            "-i",
            ",".join([*modules, *TEST_COMPANIONS]),
            "--test-enable",
            "--test-tags",
            tags,
            "--stop-after-init",
            "--log-level=info",
        )
        log(f"Odoo suite: installing and testing {', '.join(modules)} (tags {tags})")
        log(f"  log file: {logfile}")
        scan = LogScan(modules)
        rc = stream_process(argv, logfile, odoo_env(), scan)
        states = db_query(db, "modules", dbname, modules).get("modules", {})

        checks: list[str] = []
        res = scan.result or {"failed": 0, "errors": 0, "total": 0}
        not_installed = [m for m in modules if states.get(m) != "installed"]
        if not_installed:
            checks.append("install")
            listing = ", ".join(f"{m} ({states.get(m)})" for m in not_installed)
            log(f"FAILED: not installed: {listing}")
        if scan.result is None:
            checks.append("no-test-report")
            log("FAILED: Odoo printed no test report line (did it crash?)")
        elif res["total"] == 0:
            checks.append("no-tests")
            log("FAILED: zero Odoo tests ran")
        bad_tests = res["failed"] + res["errors"]
        if rc != 0 and not bad_tests:
            checks.append("exit-code")
            log(f"FAILED: Odoo exited with status {rc}")
        if scan.skipped:
            log(f"FAILED: {len(scan.skipped)} skipped test(s) (a skipped test is a failure here):")
            for entry in scan.skipped:
                log(f"  {entry}")
        problems = scan.problems
        if bad_tests:
            # records logged by failing tests themselves (browser errors of a failing tour...)
            # are already counted by the failures
            problems = [p for p in problems if not scan.is_test_record(p)]
        if problems:
            checks.append("error-log")
            log(f"FAILED: {len(problems)} ERROR/CRITICAL log record(s) outside test results:")
            for entry in problems:
                log("  " + entry.replace("\n", "\n  "))
        if scan.test_failures:
            log(f"Test failures ({len(scan.test_failures)} records), first lines:")
            for entry in scan.test_failures:
                log("  " + entry.splitlines()[0])
        skipped = len(scan.skipped)
        # a skipped test method is part of Odoo's test count; a skipped class or module
        # (setUpClass/setUpModule raising SkipTest) is not
        skipped_in_count = sum(
            1 for entry in scan.skipped if not re.search(r": (setUp|tearDown)\w* \(", entry)
        )
        outcome["passed"] = max(res["total"] - bad_tests - skipped_in_count, 0)
        outcome["failed"] = bad_tests + skipped + len(checks)
        outcome["tests"] = res["total"]
        outcome["skipped"] = skipped
        outcome["checks_failed"] = checks
        log(
            f"Odoo suite: {res['total']} tests, {res['failed']} failed, {res['errors']} errors, "
            f"{skipped} skipped; {scan.warnings} warnings in the log; "
            f"failed checks: {', '.join(checks) or 'none'}"
        )

        # the tests of the checks below count like the suite's; a failed check once more
        checks = [
            ("fast-path", lambda counts: fast_path_check(folder, db, paths, artifacts, counts))
        ]
        if install_check:
            checks.insert(
                0,
                (
                    "install-uninstall",
                    lambda counts: install_uninstall_check(
                        config, db, modules, paths, artifacts, smoke=counts
                    ),
                ),
            )
        for name, check in checks:
            counts: dict = {}
            problems = check(counts)
            for key in ("passed", "failed", "tests"):
                outcome[key] += counts.get(key, 0)
            if problems:
                outcome["failed"] += 1
                outcome["checks_failed"].append(name)
        outcome["status"] = "failed" if outcome["failed"] else "ok"
        return done()
    finally:
        cluster.stop()


def manifest(module_dir: str | os.PathLike) -> dict:
    return ast.literal_eval((Path(module_dir) / "__manifest__.py").read_text())


def install_uninstall_check(
    config: Path,
    db: dict,
    modules: list[str],
    paths: list[str],
    artifacts: Path,
    dbname: str = "st_life",
    smoke: dict | None = None,
) -> list[str]:
    """Demo data, existing stock data, install and uninstall, on database ``dbname`` (which
    must not exist yet).

    1. install the suite's dependencies (stock, mrp, repair, helpdesk_mgmt...) with demo data,
       so the database already holds stock data (products, lots, pickings);
    2. install the suite on it (its demo data loads too, as the database has demo data);
    3. the smoke tour (tests tagged ``serial_smoke``): a stock user and a manager click every
       menu, view and form button of the suite on that demo data; its test counts go into
       ``smoke`` (``passed``/``failed``/``tests``);
    4. ``scripts/check_uninstall.py``: add serial history through the normal APIs, then
       uninstall the bridges one by one and the core last, each in an Odoo process of its
       own, checking after each that Odoo's stock data is unchanged, the module left nothing
       behind and Odoo's stock views are valid and render.
    Every step must exit 0 and log no ERROR/CRITICAL record; the modules must end up
    installed, then uninstalled. Returns the problems found.
    """
    t0 = time.time()
    deps = sorted(
        {
            dep
            for m in modules
            for dep in manifest(find_module(m, paths)).get("depends", [])
            if dep not in modules
        }
    ) or ["base"]
    logfile = artifacts / "odoo-install-check.log"
    logfile.write_text("")
    steps = [
        (
            f"install dependencies with demo data ({', '.join(deps)})",
            install_command(config, dbname, deps, "--with-demo"),
            None,
        ),
        (
            "install the suite on that database",
            install_command(config, dbname, modules),
            "installed",
        ),
    ]
    log(f"Install/uninstall check on database {dbname!r} (log: {logfile})")
    problems: list[str] = []
    for title, argv, expected in steps:
        t1 = time.time()
        scan = LogScan(modules)
        rc = stream_process(argv, logfile, odoo_env(), scan, echo=False)
        step_problems = [f"{title}: exit status {rc}"] if rc else []
        step_problems += [f"{title}: {record}" for record in scan.problems + scan.test_failures]
        if expected:
            states = db_query(db, "modules", dbname, modules).get("modules", {})
            wrong = {m: states.get(m) for m in modules if states.get(m) != expected}
            if wrong:
                step_problems.append(f"{title}: expected {expected}, got {wrong}")
        log(f"  {title}: {'ok' if not step_problems else 'FAILED'} in {time.time() - t1:.0f}s")
        for problem in step_problems:
            log("    " + problem.replace("\n", "\n    "))
        problems += step_problems
        if rc:
            break
    if not problems:  # the suite is installed with its demo data
        smoke_problems = _smoke_tour(config, dbname, modules, artifacts, smoke)
        problems += _uninstall_one_by_one(config, dbname, logfile, artifacts)
        problems += smoke_problems
    log(f"Install/uninstall check: {'ok' if not problems else 'FAILED'} in {time.time() - t0:.0f}s")
    return problems


def _smoke_tour(
    config: Path, dbname: str, modules: list[str], artifacts: Path, smoke: dict | None
) -> list[str]:
    """Run the ``serial_smoke`` tests on the demo database; return the problems."""
    return _tagged_tests(
        config,
        dbname,
        modules,
        artifacts / "odoo-smoke.log",
        "smoke tour",
        ["--test-tags", "serial_smoke"],
        smoke,
    )


def _tagged_tests(
    config: Path,
    dbname: str,
    modules: list[str],
    logfile: Path,
    title: str,
    args: list[str],
    counts: dict | None,
) -> list[str]:
    """Run Odoo with ``--test-enable`` and ``args`` (the tags, modules to install) on
    ``dbname``; return the problems and put the test counts into ``counts``
    (``passed``/``failed``/``tests``). No test run is a problem."""
    t0 = time.time()
    logfile.write_text("")
    scan = LogScan(modules)
    rc = stream_process(
        odoo_command(
            config, "-d", dbname, "--test-enable", *args, "--stop-after-init", "--log-level=info"
        ),
        logfile,
        odoo_env(),
        scan,
        echo=False,
    )
    result = scan.result or {"failed": 0, "errors": 0, "total": 0}
    bad = result["failed"] + result["errors"] + len(scan.skipped)
    problems = [f"{title}: {record}" for record in scan.test_failures]
    problems += [
        f"{title}: {record}" for record in scan.problems if not scan.is_test_record(record)
    ]
    if scan.result is None or not result["total"]:
        problems.append(f"{title}: no test ran (see {logfile})")
    if rc and not problems:
        problems.append(f"{title}: exit status {rc}")
    problems += [f"{title}: skipped {entry}" for entry in scan.skipped]
    if counts is not None:
        counts.update(tests=result["total"], failed=bad, passed=max(result["total"] - bad, 0))
    log(
        f"  {title} ({result['total']} tests, {bad} failed): "
        f"{'ok' if not problems else 'FAILED'} in {time.time() - t0:.0f}s (log: {logfile})"
    )
    for problem in problems:
        log("    " + problem.replace("\n", "\n    ")[:4000])
    return problems


def fast_path_check(
    folder: Path, db: dict, paths: list[str], artifacts: Path, counts: dict
) -> list[str]:
    """The set-based paths of ``serial_tracking/models/bulk`` on a database of their own.

    1. ``serial_tracking`` alone (nothing else hooks the methods those paths stand in
       for, so they run), and the tests tagged ``serial_fast_path``: the same receipt
       through both paths, compared row by row;
    2. ``tests/stock_override_probe`` installed on top, a stand-in for a third-party
       module that overrides ``stock.lot.create`` and ``stock.move.line._action_done``:
       its tests check that the guard turns those paths off and that every record
       reaches its overrides.
    The test counts of both go into ``counts``; returns the problems.
    """
    log(
        "Fast-path check on database 'st_fast' (serial_tracking alone, then a module "
        "overriding Odoo's methods)"
    )
    config = write_odoo_config(
        folder / "odoo-fast.conf",
        db,
        [*paths, str(REPO_ROOT / "tests")],
        str(folder / "odoo-data"),
        http_port=free_port(),
    )
    steps = [
        (
            "set-based against Odoo's path",
            ["-i", "serial_tracking", "--test-tags", "serial_fast_path"],
        ),
        (
            "beside a module overriding Odoo's methods",
            ["-i", "stock_override_probe", "--test-tags", "/stock_override_probe"],
        ),
    ]
    problems: list[str] = []
    for index, (title, args) in enumerate(steps):
        step: dict = {}
        problems += _tagged_tests(
            config,
            "st_fast",
            ["serial_tracking", "stock_override_probe"],
            artifacts / f"odoo-fast-path-{index + 1}.log",
            title,
            args,
            step,
        )
        for key in ("passed", "failed", "tests"):
            counts[key] = counts.get(key, 0) + step.get(key, 0)
    return problems


def _uninstall_one_by_one(config: Path, dbname: str, logfile: Path, artifacts: Path) -> list[str]:
    """Run ``scripts/check_uninstall.py`` on ``dbname``; its report lines go to the log
    and the terminal, its Odoo processes' output to ``odoo-uninstall-check.log``."""
    t1 = time.time()
    title = "populate, uninstall the bridges one by one, then the core"
    report = artifacts / "uninstall-check.txt"
    report.write_text("")
    argv = [
        python_executable(),
        str(Path(__file__).resolve().parent / "check_uninstall.py"),
        "-c",
        str(config),
        "-d",
        dbname,
        "--odoo-log",
        str(artifacts / "odoo-uninstall-check.log"),
    ]
    rc = stream_process(argv, report, odoo_env(), echo=False)
    lines = report.read_text().splitlines()[1:]  # the first one is the command
    with open(logfile, "a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    log(f"  {title}: {'ok' if not rc else 'FAILED'} in {time.time() - t1:.0f}s")
    for line in lines[1:]:
        log("    " + line.strip())
    if not rc:
        return []
    # the failed steps and their details (changed data, leftovers, log records)
    failed = [line.strip() for line in lines if "FAILED" in line or line.startswith("    ")]
    return [f"{title}: exit status {rc}"] + [f"{title}: {line}" for line in failed]


# --------------------------------------------------------------------------------------------
# dependencies (PyPI and Debian packages) for scripts/test and scripts/run
# --------------------------------------------------------------------------------------------

# Debian package -> "is it there?" check
_DEBIAN_CHECKS = {
    "postgresql": lambda: bool(_safe(find_pg_bindir)),
    "wkhtmltopdf": lambda: bool(shutil.which("wkhtmltopdf")),
    "chromium": lambda: any(
        shutil.which(b)
        for b in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    ),
    "poppler-utils": lambda: bool(shutil.which("pdftoppm")),
    # the lint stage: pre-commit needs git; its eslint and prettier hooks run on the system's
    # node (language_version: system), with their npm packages from the npm registry
    "git": lambda: bool(shutil.which("git")),
    "nodejs": lambda: bool(shutil.which("node")),
    "npm": lambda: bool(shutil.which("npm")),
}


def _safe(func):
    try:
        return func()
    except Exception:  # noqa: BLE001 - "not found" in any form
        return None


def ensure_dependencies(test: bool, with_odoo: bool, pip: bool = True) -> list[str]:
    """Install what is missing; return the list of problems (empty when all is there).

    PyPI: ``requirements.txt`` (+ ``requirements-test.txt`` when ``test``) and, when Odoo is
    importable, ``requirements-oca.txt`` with ``--no-deps``. Debian: for tests, git, nodejs
    and npm (the lint hooks); when Odoo is importable (only the Odoo runs need them),
    postgresql, wkhtmltopdf and, for tests, chromium and poppler-utils -- ``apt-get`` runs
    only if one of their binaries is missing.
    Without ``pip`` (the private venv, whose stamp already covers the requirements) only the
    Debian packages are checked.
    """
    problems: list[str] = []
    python = python_executable()
    env = dict(os.environ, PIP_ROOT_USER_ACTION="ignore", PIP_DISABLE_PIP_VERSION_CHECK="1")
    files = ["requirements.txt"] + (["requirements-test.txt"] if test else [])
    install = [python, "-m", "pip", "install", "-q"]
    steps = [install + [arg for f in files for arg in ("-r", f)]]
    if with_odoo:
        steps.append(install + ["--no-deps", "-r", "requirements-oca.txt"])
    for argv in steps if pip else []:
        proc = subprocess.run(argv, cwd=REPO_ROOT, env=env, check=False)
        if proc.returncode != 0:
            problems.append(f"'{' '.join(argv[1:])}' failed (exit {proc.returncode})")
    wanted = ["git", "nodejs", "npm"] if test else []
    if with_odoo:
        wanted += ["postgresql", "wkhtmltopdf"] + (["chromium", "poppler-utils"] if test else [])
    missing = [pkg for pkg in wanted if not _DEBIAN_CHECKS[pkg]()]
    if not missing:
        return problems
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        problems.append(
            f"missing Debian packages {missing}: install them (apt-get install {' '.join(missing)})"
        )
        return problems
    log(f"installing Debian packages: {' '.join(missing)}")
    apt_env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for argv in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *missing]):
        proc = subprocess.run(argv, env=apt_env, stdin=subprocess.DEVNULL, check=False)
        if proc.returncode != 0:
            problems.append(f"'{' '.join(argv)}' failed (exit {proc.returncode})")
            return problems
    still = [pkg for pkg in missing if not _DEBIAN_CHECKS[pkg]()]
    if still:
        problems.append(f"still missing after apt-get: {still}")
    return problems


# --------------------------------------------------------------------------------------------
# scripts/run
# --------------------------------------------------------------------------------------------


def serve(
    port: int = 8069,
    dbname: str = "serial_tracking",
    reset: bool = False,
    stop_db: bool = False,
    private_odoo: bool = False,
) -> int:
    cluster = Cluster(LOCAL_DIR / "postgres")
    if stop_db:
        if cluster.status()["running"]:
            cluster.stop()
            log(f"PostgreSQL cluster in {cluster.folder} stopped")
        else:
            log(f"PostgreSQL cluster in {cluster.folder} is not running")
        return 0

    try:
        ensure_odoo_python(private_odoo)
    except RuntimeError as exc:  # provision.ProvisionError
        log(f"No Odoo 19.0 to run: {exc}")
        return 2
    info = probe_odoo()
    if not is_supported_odoo(info):
        log(
            f"Odoo 19.0 is not importable by {python_executable()} "
            f"({info.get('error') or info.get('version')}). Install Odoo 19.0 so that "
            f"'python3 -c \"import odoo.release\"' works (see README), or set PYTHON."
        )
        return 2
    if not truthy(os.environ.get("SKIP_INSTALL")):
        problems = ensure_dependencies(
            test=False, with_odoo=True, pip=not is_private_python(python_executable())
        )
        if problems:
            for problem in problems:
                log(f"dependency problem: {problem}")
            return 1
    modules = suite_modules()
    paths = addons_path(info)
    missing = [m for m in modules if not find_module(m, paths)]
    if missing:
        log(f"cannot find {missing} in the addons path {paths}")
        return 2

    db = external_server()
    if db is None:
        cluster_port = cluster.start()
        db = cluster.db_params()
        log(f"PostgreSQL: project cluster in {cluster.folder} on 127.0.0.1:{cluster_port}")
    else:
        log(f"PostgreSQL: using the configured server {db['db_host']}:{db['db_port'] or 5432}")

    data_dir = LOCAL_DIR / "odoo-data"
    config = write_odoo_config(LOCAL_DIR / "odoo.conf", db, paths, str(data_dir), http_port=port)
    logfile = LOCAL_DIR / "logs" / "odoo-install.log"
    if reset:
        state = db_query(db, "drop", dbname)
        shutil.rmtree(data_dir / "filestore" / dbname, ignore_errors=True)
        if state.get("dropped"):
            log(f"database {dbname!r} dropped")

    states = db_query(db, "modules", dbname, modules).get("modules", {})
    if any(states.get(m) != "installed" for m in modules):
        log(
            f"Creating database {dbname!r} with demo data and {', '.join(modules)} "
            f"(first run only; this takes a few minutes; log: {logfile})"
        )
        scan = LogScan(modules)
        rc = stream_process(
            install_command(
                config,
                dbname,
                modules,
                "--with-demo",
            ),
            logfile,
            odoo_env(),
            scan,
        )
        states = db_query(db, "modules", dbname, modules).get("modules", {})
        if rc != 0 or any(states.get(m) != "installed" for m in modules):
            log(f"installation failed (exit {rc}, module states {states}); see {logfile}")
            return 1
    else:
        log(f"Reusing database {dbname!r} (use --reset to recreate it)")

    if not port_is_free(port):
        log(f"port {port} on 127.0.0.1 is in use: stop what uses it or pass --port")
        return 1
    url = f"http://127.0.0.1:{port}/odoo"
    log("")
    log(f"  Odoo 19.0 with serial_tracking: {url}")
    log("  login: admin   password: admin")
    log("  (Ctrl-C stops Odoo; the database server keeps running: scripts/run --stop-db)")
    log("")
    argv = odoo_command(
        config, "-d", dbname, "--db-filter", f"^{re.escape(dbname)}$", "--http-port", str(port)
    )
    sys.stdout.flush()
    # not the repository root: "python -m" puts the working directory first on sys.path, and
    # the addons must only be importable as odoo.addons.<name>
    os.chdir(LOCAL_DIR)
    os.execvpe(argv[0], argv, odoo_env())
    return 0  # not reached


# --------------------------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="harness.py", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser(
        "odoo-info",
        help="print the Odoo found and the addons path (JSON); exit 0 only if it is Odoo 19",
    )
    p_python = sub.add_parser(
        "odoo-python",
        help="print the interpreter that runs Odoo 19.0, "
        "provisioning .local/venv when $PYTHON cannot import it",
    )
    p_python.add_argument(
        "--private-odoo",
        action="store_true",
        help="use (build) the private Odoo even if $PYTHON imports one",
    )
    p_deps = sub.add_parser("deps", help="install missing PyPI/Debian packages")
    p_deps.add_argument("--test", action="store_true", help="also what the tests need")
    p_deps.add_argument(
        "--with-odoo",
        action="store_true",
        help="also the OCA wheels and Debian packages the Odoo runs need",
    )
    p_deps.add_argument(
        "--no-pip",
        action="store_true",
        help="only the Debian packages (the private venv has the rest)",
    )
    p_cluster = sub.add_parser("cluster", help="manage a PostgreSQL cluster in a folder")
    p_cluster.add_argument("action", choices=["start", "stop", "status", "destroy"])
    p_cluster.add_argument("folder")
    p_cluster.add_argument("--fast", action="store_true", help="no fsync (throwaway clusters)")
    p_suite = sub.add_parser("suite", help="run the Odoo test suite on a throwaway cluster")
    p_suite.add_argument("folder", help="scratch folder for the cluster (it is stopped after)")
    p_suite.add_argument("--result-file")
    p_suite.add_argument(
        "--no-install-check",
        action="store_true",
        help="skip the demo-data install/uninstall check on a second database",
    )
    p_serve = sub.add_parser("serve", help="scripts/run: database with demo data + web UI")
    p_serve.add_argument("--port", type=int, default=8069)
    p_serve.add_argument("--db", default="serial_tracking")
    p_serve.add_argument("--reset", action="store_true")
    p_serve.add_argument("--stop-db", action="store_true")
    p_serve.add_argument(
        "--private-odoo",
        action="store_true",
        help="run the private Odoo of .local/venv even if $PYTHON imports one",
    )
    args = parser.parse_args(argv)

    if args.cmd == "odoo-info":
        info = probe_odoo()
        info["supported"] = is_supported_odoo(info)
        if "error" not in info:
            info["addons_path_used"] = addons_path(info)
            info["suite_modules"] = suite_modules()
        print(json.dumps(info, indent=2))
        return 0 if info["supported"] else 1
    if args.cmd == "odoo-python":
        try:
            print(ensure_odoo_python(args.private_odoo))
        except RuntimeError as exc:  # provision.ProvisionError
            print(f"No Odoo 19.0: {exc}", file=sys.stderr)
            return 3
        return 0
    if args.cmd == "deps":
        problems = ensure_dependencies(args.test, args.with_odoo, pip=not args.no_pip)
        for problem in problems:
            log(f"dependency problem: {problem}")
        return 1 if problems else 0
    if args.cmd == "cluster":
        cluster = Cluster(args.folder, fast=args.fast)
        if args.action == "start":
            print(json.dumps({"port": cluster.start(), **cluster.db_params()}))
        elif args.action == "stop":
            cluster.stop()
        elif args.action == "destroy":
            cluster.destroy()
        else:
            print(json.dumps({"initialised": cluster.initialised, **cluster.status()}))
        return 0
    if args.cmd == "suite":
        outcome = run_odoo_suite(
            args.folder, args.result_file, install_check=not args.no_install_check
        )
        return 0 if outcome["status"] in {"ok", "notrun"} else 1
    if args.cmd == "serve":
        return serve(args.port, args.db, args.reset, args.stop_db, args.private_odoo)
    return 2


if __name__ == "__main__":
    # SIGTERM (CI time-out, kill) unwinds like Ctrl-C, so "finally" stops our clusters
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
