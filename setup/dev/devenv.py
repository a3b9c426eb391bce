#!/usr/bin/env python3
"""Provision and drive a local Odoo 17 for the SMS Retention addons.

Standard library only: it runs before any virtualenv exists.

Commands (see README.md):
  provision   virtualenv + Odoo + PostgreSQL, idempotent
  run         demo database with the addons, Odoo on :8069
  test        throwaway database, install, pytest-odoo, drop
  odoo-test   the same with Odoo's own runner (odoo --test-enable -i ...)
  lint        ruff + pylint-odoo mandatory checks
  odoo        run Odoo with the project's configuration (extra args pass through)
  pg-env      print the libpq variables of the database server in use

Where things go:
  $SMS_RETENTION_HOME (default ~/.cache/sms-retention): the virtualenv, and an
      Odoo clone when one had to be fetched. It outlives any checkout, so a
      fresh clone of the repository reuses it.
  <repo>/.local (git-ignored): the private PostgreSQL cluster, Odoo's
      configuration, filestore and logs.

Odoo is found in this order: $ODOO_SRC, an ``odoo`` already importable (by the
virtualenv, then by ``python3`` on PATH), else a clone of the official 17.0
branch. PostgreSQL: the server named by the libpq variables (PGHOST, PGPORT,
PGUSER, PGPASSWORD) when any is set, else a private cluster under .local.
"""

import argparse
import ast
import getpass
import hashlib
import json
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LOCAL = REPO / ".local"
HOME = Path(
    os.environ.get("SMS_RETENTION_HOME")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "sms-retention"
)
VENV = HOME / "venv"
ADDONS = [
    "sms_retention",
    "sms_retention_survey",
    "sms_retention_provider_twilio",
    "sms_retention_sale_stock",
]
ODOO_GIT_URL = "https://github.com/odoo/odoo.git"
DEMO_DB = os.environ.get("SMS_RETENTION_DEMO_DB", "sms_retention_demo")
DEFAULT_PGPORT = 54329
PG_ROLE = "odoo"
# Core log lines that are expected on a fresh install and say nothing about
# our addons (kept short and explicit; anything else fails the install check).
LOG_ALLOWLIST = (
    re.compile(r"Running as user 'root' is a security risk"),
    re.compile(r"Unable to load a random seed"),
)


def say(msg):
    print(f"[sms-retention] {msg}", flush=True)


def die(msg, code=2):
    print(f"[sms-retention] ERROR: {msg}", file=sys.stderr, flush=True)
    sys.exit(code)


def sbin(name):
    """A system tool, also when /usr/sbin is not on PATH (minimal CI shells)."""
    for candidate in (shutil.which(name), f"/usr/sbin/{name}", f"/sbin/{name}"):
        if candidate and os.path.exists(candidate):
            return candidate
    die(f"{name} is missing")


def run(cmd, check=True, env=None, user=None, **kw):
    if user:
        cmd = [sbin("runuser"), "-u", user, "--", *cmd]
    return subprocess.run(cmd, check=check, env=env, **kw)


# ---------------------------------------------------------------------------
# Python virtualenv and Odoo
# ---------------------------------------------------------------------------


def venv_python():
    return VENV / "bin" / "python"


def base_python():
    for name in ("python3.11", "python3.12", "python3.10", "python3"):
        exe = shutil.which(name)
        if exe and _py_ok(exe):
            return exe
    die("Python 3.10 to 3.12 is required (Odoo 17); none found on PATH.")


def _py_ok(exe):
    code = "import sys; sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 12) else 1)"
    return subprocess.run([exe, "-c", code], capture_output=True).returncode == 0


def _odoo_location(python):
    """Return the source root of an Odoo 17 importable by ``python``."""
    code = (
        "import os, odoo.release as r; "
        "print(r.version_info[0], os.path.dirname(os.path.dirname(r.__file__)))"
    )
    res = subprocess.run([python, "-c", code], capture_output=True, text=True)
    if res.returncode != 0:
        return None
    major, root = res.stdout.strip().split(" ", 1)
    return root if major == "17" else None


def _check_odoo_src(src):
    src = Path(src).expanduser().resolve()
    release = src / "odoo" / "release.py"
    if not release.exists():
        die(f"ODOO_SRC={src} is not an Odoo source tree (no odoo/release.py).")
    text = release.read_text()
    if not re.search(r"version_info\s*=\s*\(\s*17\s*,", text):
        die(f"ODOO_SRC={src} is not Odoo 17.0.")
    return src


def _site_packages(python):
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return Path(subprocess.check_output([python, "-c", code], text=True).strip())


def _req_hash(*files):
    digest = hashlib.sha256()
    for path in files:
        if path and Path(path).exists():
            digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:16]


def _apt_install(packages):
    """Install missing Debian packages when we can (root with apt-get)."""
    missing = [
        p
        for p in packages
        if subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", p], capture_output=True, text=True
        ).stdout.find("install ok installed")
        < 0
    ]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        say(f"please install the Debian packages: {' '.join(missing)}")
        return
    say(f"apt-get install {' '.join(missing)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    res = run(["apt-get", "install", "-y", "-qq", *missing], check=False, env=env)
    if res.returncode:
        run(["apt-get", "update", "-qq"], check=False, env=env)
        run(["apt-get", "install", "-y", "-qq", *missing], env=env)


BROWSERS = ("google-chrome", "chromium", "chromium-browser")


def provision_browser():
    """Chromium for the UI tours (Odoo's tour runner skips them without one)."""
    if any(shutil.which(b) for b in BROWSERS):
        return
    _apt_install(["chromium"])
    if not any(shutil.which(b) for b in BROWSERS):
        say("no Chromium found: the UI tours will be skipped")


def provision_python():
    """Ensure the virtualenv exists, sees Odoo 17, and has every requirement."""
    odoo_src = None
    system_odoo = False
    if os.environ.get("ODOO_SRC"):
        odoo_src = _check_odoo_src(os.environ["ODOO_SRC"])
    elif venv_python().exists() and _odoo_location(str(venv_python())):
        odoo_src = Path(_odoo_location(str(venv_python())))
    else:
        py3 = shutil.which("python3")
        if py3 and _odoo_location(py3):
            system_odoo = True
            say(f"using the Odoo importable by {py3}")
        else:
            clone = HOME / "odoo-17.0"
            if not (clone / "odoo" / "release.py").exists():
                say(f"no Odoo found: cloning the 17.0 branch into {clone}")
                HOME.mkdir(parents=True, exist_ok=True)
                res = run(
                    ["git", "clone", "--depth", "1", "--branch", "17.0",
                     ODOO_GIT_URL, str(clone)],
                    check=False,
                )
                if res.returncode:
                    die("could not clone Odoo 17.0; set ODOO_SRC to an Odoo 17 "
                        "source tree (see README.md)")
            odoo_src = clone

    if not venv_python().exists():
        HOME.mkdir(parents=True, exist_ok=True)
        creator = shutil.which("python3") if system_odoo else base_python()
        say(f"creating the virtualenv {VENV}")
        args = [creator, "-m", "venv", str(VENV)]
        if system_odoo:
            args.insert(3, "--system-site-packages")
        run(args)

    py = str(venv_python())
    if odoo_src:
        pth = _site_packages(py) / "sms_retention_odoo_src.pth"
        if not pth.exists() or pth.read_text().strip() != str(odoo_src):
            pth.write_text(f"{odoo_src}\n")
            say(f"Odoo source linked into the virtualenv: {odoo_src}")

    odoo_reqs = odoo_src / "requirements.txt" if odoo_src else None
    wanted = _req_hash(odoo_reqs, REPO / "requirements.txt", REPO / "test-requirements.txt")
    marker = VENV / ".sms-retention-requirements"
    if not marker.exists() or marker.read_text() != wanted:
        _apt_install(["libldap2-dev", "libsasl2-dev", "libpq-dev"])
        pip = [py, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        run([*pip, "--upgrade", "pip", "wheel", "setuptools<70"])
        if odoo_reqs:
            say("installing Odoo's requirements (first time only, a few minutes)")
            run([*pip, "-r", str(odoo_reqs), "setuptools<70"])
        say("installing the project's requirements")
        run([*pip, "-r", str(REPO / "requirements.txt"),
             "-r", str(REPO / "test-requirements.txt"), "setuptools<70"])
        marker.write_text(wanted)
    src = _odoo_location(py)
    if not src:
        die("Odoo 17 is still not importable from the virtualenv; set ODOO_SRC.")
    return Path(src)


# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------


class Pg:
    """Connection settings for the server in use, and helpers around it."""

    def __init__(self, host, port, user, password, private):
        self.host, self.port, self.user = host, port, user
        self.password, self.private = password, private

    def env(self):
        env = dict(os.environ)
        for key, value in (
            ("PGHOST", self.host), ("PGPORT", self.port),
            ("PGUSER", self.user), ("PGPASSWORD", self.password),
        ):
            if value:
                env[key] = str(value)
        env.setdefault("PGDATABASE", "postgres")
        return env

    def psql(self, sql, db="postgres"):
        res = run(
            [pg_bin("psql"), "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql],
            env=self.env(), capture_output=True, text=True, check=False,
        )
        if res.returncode:
            die(f"psql failed: {res.stderr.strip()}")
        return res.stdout.strip()

    def db_exists(self, name):
        return bool(self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))

    def db_comment(self, name):
        return self.psql(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            f"WHERE datname = '{name}'"
        )

    def dropdb(self, name):
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(LOCAL / "data" / "filestore" / name, ignore_errors=True)

    def copydb(self, template, name):
        self.dropdb(name)
        self.psql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        src = LOCAL / "data" / "filestore" / template
        if src.exists():
            shutil.copytree(src, LOCAL / "data" / "filestore" / name)

    def databases(self, like):
        out = self.psql(f"SELECT datname FROM pg_database WHERE datname LIKE '{like}'")
        return [line for line in out.splitlines() if line]


def pg_bin(name):
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if candidates:
        return str(candidates[-1])
    found = shutil.which(name)
    if not found:
        die(f"PostgreSQL's {name} is missing: apt-get install postgresql")
    return found


def _port_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cluster_owner():
    """initdb refuses root: run the private cluster as an unprivileged user."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "sms-retention"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    run([sbin("useradd"), "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
         "sms-retention"])
    return "sms-retention"


def _cluster_dir(owner):
    default = LOCAL / "postgres"
    if owner is None:
        return default
    default.parent.mkdir(parents=True, exist_ok=True)
    # The owner must be able to reach the folder; a checkout under /root is not.
    probe = run(["test", "-x", str(LOCAL)], check=False, user=owner)
    if probe.returncode == 0:
        return default
    digest = hashlib.sha1(str(REPO).encode()).hexdigest()[:10]
    return Path("/var/tmp") / f"sms-retention-pg-{digest}"


def provision_pg():
    if any(os.environ.get(k) for k in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD")):
        return _external_pg()
    return _private_pg()


def _external_pg():
    user = os.environ.get("PGUSER") or getpass.getuser()
    pg = Pg(os.environ.get("PGHOST"), os.environ.get("PGPORT"), user,
            os.environ.get("PGPASSWORD"), private=False)
    if user != "postgres":
        pg.psql("SELECT 1")
        return pg
    # Odoo refuses the postgres role: create a dedicated one and use it.
    secret_file = LOCAL / "pg-role-password"
    LOCAL.mkdir(exist_ok=True)
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(24))
        secret_file.chmod(0o600)
    password = secret_file.read_text().strip()
    exists = pg.psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{PG_ROLE}'")
    verb = "ALTER" if exists else "CREATE"
    pg.psql(f"{verb} ROLE {PG_ROLE} LOGIN CREATEDB PASSWORD '{password}'")
    say(f"using the role '{PG_ROLE}' instead of 'postgres' (Odoo refuses it)")
    dedicated = Pg(pg.host or "127.0.0.1", pg.port, PG_ROLE, password, private=False)
    dedicated.psql("SELECT 1")
    return dedicated


def _private_pg():
    owner = _cluster_owner()
    base = _cluster_dir(owner)
    data = base / "data"
    pwfile = base / "password"
    portfile = base / "port"
    if not (data / "PG_VERSION").exists():
        say(f"creating a private PostgreSQL cluster in {base}")
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        pwfile.write_text(secrets.token_urlsafe(24))
        pwfile.chmod(0o600)
        if owner:
            shutil.chown(base, owner)
            shutil.chown(pwfile, owner)
        run([pg_bin("initdb"), "-D", str(data), "-U", PG_ROLE, "-E", "UTF8",
             "--locale=C.UTF-8", "--auth=scram-sha-256", f"--pwfile={pwfile}"],
            user=owner, stdout=subprocess.DEVNULL)
        with open(data / "postgresql.conf", "a") as conf:
            # A disposable development cluster: trade durability for speed.
            conf.write(
                "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                "max_connections = 200\nshared_buffers = 256MB\n"
            )
    password = pwfile.read_text().strip()
    port = int(portfile.read_text()) if portfile.exists() else int(
        os.environ.get("SMS_RETENTION_PGPORT", DEFAULT_PGPORT)
    )
    pg = Pg("127.0.0.1", port, PG_ROLE, password, private=True)
    status = run([pg_bin("pg_ctl"), "-D", str(data), "status"], check=False,
                 user=owner, capture_output=True)
    if status.returncode != 0:
        while not _port_free(port):
            port += 1
        portfile.write_text(str(port))
        if owner:
            shutil.chown(portfile, owner)
        pg.port = port
        say(f"starting PostgreSQL on 127.0.0.1:{port}")
        run([pg_bin("pg_ctl"), "-D", str(data), "-l", str(base / "server.log"),
             "-o", f"-p {port}", "-w", "-t", "60", "start"],
            user=owner, stdout=subprocess.DEVNULL)
    pg.psql("SELECT 1")
    return pg


# ---------------------------------------------------------------------------
# Odoo configuration and helpers
# ---------------------------------------------------------------------------


def write_config(odoo_src, pg, name="odoo.conf", **extra):
    LOCAL.mkdir(exist_ok=True)
    addons = [str(REPO)]
    if (odoo_src / "addons").is_dir():
        addons.append(str(odoo_src / "addons"))
    admin_file = LOCAL / "master-password"
    if not admin_file.exists():
        admin_file.write_text(secrets.token_urlsafe(18))
        admin_file.chmod(0o600)
    options = {
        "addons_path": ",".join(addons),
        "data_dir": str(LOCAL / "data"),
        "admin_passwd": admin_file.read_text().strip(),
        "db_host": pg.host or "",
        "db_port": pg.port or "",
        "db_user": pg.user or "",
        "db_password": pg.password or "",
        "without_demo": "False",
        "max_cron_threads": 1,
        **extra,
    }
    path = LOCAL / name
    lines = ["[options]"] + [f"{k} = {v}" for k, v in options.items()]
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    return path


def odoo_cmd(config, *args):
    return [str(venv_python()), "-m", "odoo", "-c", str(config), *args]


def log_problems(log_path):
    """The warning, error and critical lines of an Odoo log, but the allowed."""
    if not log_path.exists():
        return []
    return [
        line
        for line in log_path.read_text(errors="replace").splitlines()
        if re.search(r"\s(WARNING|ERROR|CRITICAL)\s", line)
        and not any(p.search(line) for p in LOG_ALLOWLIST)
    ]


def odoo_run_logged(config, args, log_path, check_log=True, fatal=True):
    """Run Odoo to completion, keep its log, fail on errors or warnings.

    With ``fatal=False``, return whether it succeeded instead of exiting.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    cmd = odoo_cmd(config, *args, f"--logfile={log_path}")
    if log_path.exists():
        log_path.unlink()
    res = run(cmd, check=False)
    problems = log_problems(log_path) if check_log else []
    if res.returncode or problems:
        if not fatal:
            return False
        for line in problems[:40]:
            print(line, file=sys.stderr)
        die(f"Odoo {' '.join(args[:4])}... failed (exit {res.returncode}, "
            f"{len(problems)} warning/error lines); see {log_path}")
    return True


# Optional integrations, installed in the template so that the tests and the
# demo exercise them (the survey addon rewards with loyalty coupons).
OPTIONAL_MODULES = ["loyalty"]


def addons_under_test():
    """The addons a test run installs: all, unless SMS_RETENTION_TEST_ADDONS
    (comma-separated) narrows them while another addon is half-written."""
    wanted = os.environ.get("SMS_RETENTION_TEST_ADDONS", "").strip()
    if not wanted:
        return list(ADDONS)
    addons = [name.strip() for name in wanted.split(",") if name.strip()]
    unknown = set(addons) - set(ADDONS)
    if unknown:
        die(f"SMS_RETENTION_TEST_ADDONS: unknown addons {sorted(unknown)}")
    return addons


def addon_dependencies():
    """Every module our addons depend on, outside the repository, plus the
    optional integrations."""
    deps = set(OPTIONAL_MODULES)
    for addon in ADDONS:
        deps.update(manifest(addon).get("depends", []))
    return sorted(deps - set(ADDONS))


def manifest(addon):
    return ast.literal_eval((REPO / addon / "__manifest__.py").read_text())


def expected_installed(addons):
    """Our addons that installing ``addons`` on the template installs: their
    dependencies among ours, and our auto-install bridges (such as
    sms_retention_sale_stock) whose dependencies are then all installed (the
    template has every dependency outside the repository)."""
    installed = set()
    todo = list(addons)
    while todo:
        addon = todo.pop()
        if addon in installed:
            continue
        installed.add(addon)
        todo += [d for d in manifest(addon).get("depends", []) if d in ADDONS]
        if not todo:
            todo = [
                other for other in ADDONS
                if other not in installed and manifest(other).get("auto_install")
                and {d for d in manifest(other)["depends"] if d in ADDONS} <= installed
            ]
    return sorted(installed)


def addons_hash():
    digest = hashlib.sha256()
    for addon in ADDONS:
        for path in sorted((REPO / addon).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(REPO)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_template(odoo_src, pg, config):
    """A database with Odoo and our dependencies installed, with demo data.

    Creating it is the slow part of a first run (minutes); later runs copy it.
    """
    release = (odoo_src / "odoo" / "release.py").read_text()
    key = hashlib.sha1(
        json.dumps([addon_dependencies(), release]).encode()
    ).hexdigest()[:10]
    name = f"smsr_tpl_{key}"
    if pg.db_exists(name) and pg.db_comment(name) == "ready":
        return name
    for stale in pg.databases("smsr_tpl_%"):
        pg.dropdb(stale)
    say(f"building the template database {name} (first time only)")
    t0 = time.time()
    odoo_run_logged(
        config,
        ["-d", name, "-i", ",".join(addon_dependencies()), "--stop-after-init",
         "--log-level=info"],
        LOCAL / "logs" / "template.log",
        check_log=False,
    )
    pg.psql(f"COMMENT ON DATABASE \"{name}\" IS 'ready'")
    say(f"template ready in {time.time() - t0:.0f}s")
    return name


def provision():
    odoo_src = provision_python()
    pg = provision_pg()
    config = write_config(odoo_src, pg)
    return odoo_src, pg, config


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------


def cmd_provision(_args):
    odoo_src, pg, config = provision()
    say(f"Odoo: {odoo_src}")
    say(f"PostgreSQL: {pg.host or 'libpq default'}:{pg.port or ''} as {pg.user}")
    say(f"configuration: {config}")


def cmd_pg_env(_args):
    pg = provision_pg()
    for key in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD"):
        value = pg.env().get(key)
        if value:
            print(f"export {key}={value}")


def cmd_run(args):
    t0 = time.time()
    odoo_src, pg, config = provision()
    db = args.db
    current = addons_hash()
    stamp = LOCAL / f"{db}.addons-hash"
    if pg.db_exists(db) and pg.db_comment(db) == "ready" and (
        not stamp.exists() or stamp.read_text() != current
    ):
        say(f"the addons changed since the last run: updating them in {db}")
        installed = pg.psql(
            "SELECT name FROM ir_module_module WHERE state = 'installed'", db=db
        ).split()
        # An addon added to the repository since is installed (-i only for
        # it: -i reloads an installed addon's noupdate data).
        missing = [addon for addon in ADDONS if addon not in installed]
        updated = odoo_run_logged(
            config, ["-d", db, *(["-i", ",".join(missing)] if missing else []),
                     "-u", ",".join(ADDONS), "--stop-after-init"],
            LOCAL / "logs" / f"{db}-update.log", fatal=False,
        )
        if updated:
            stamp.write_text(current)
        else:
            say(f"the update did not go cleanly (see .local/logs/{db}-update.log): "
                f"rebuilding {db} from scratch")
            pg.dropdb(db)
    if not (pg.db_exists(db) and pg.db_comment(db) == "ready"):
        template = ensure_template(odoo_src, pg, config)
        say(f"creating the demo database {db}")
        pg.copydb(template, db)
        odoo_run_logged(config, ["-d", db, "-i", ",".join(ADDONS), "--stop-after-init"],
                        LOCAL / "logs" / f"{db}-install.log")
        pg.psql(f"COMMENT ON DATABASE \"{db}\" IS 'ready'")
        stamp.write_text(current)
    else:
        say(f"reusing the demo database {db}")
    say(f"ready in {time.time() - t0:.0f}s: http://localhost:{args.port} "
        f"(login admin / password admin). Ctrl-C stops Odoo.")
    if args.no_serve:
        return
    cmd = odoo_cmd(config, "-d", db, f"--db-filter=^{re.escape(db)}$",
                   f"--http-port={args.port}",
                   f"--http-interface={os.environ.get('SMS_RETENTION_HTTP_INTERFACE', '127.0.0.1')}")
    os.execv(cmd[0], cmd)


def _fresh_test_db(odoo_src, pg, config, prefix):
    # Drop what killed runs left behind; concurrent runs keep their database.
    for stale in pg.databases(f"{prefix}%"):
        pid = stale[len(prefix):]
        if not (pid.isdigit() and Path(f"/proc/{pid}").exists()):
            pg.dropdb(stale)
    template = ensure_template(odoo_src, pg, config)
    db = f"{prefix}{os.getpid()}"
    pg.copydb(template, db)
    return db


def check_standalone_installs(odoo_src, pg, config):
    """Each addon installs alone, with only its own dependencies, cleanly."""
    template = ensure_template(odoo_src, pg, config)
    for addon in ADDONS:
        t0 = time.time()
        db = f"smsr_alone_{os.getpid()}_{addon}"
        pg.copydb(template, db)
        try:
            odoo_run_logged(config, ["-d", db, "-i", addon, "--stop-after-init"],
                            LOCAL / "logs" / f"install-{addon}.log")
            installed = pg.psql(
                "SELECT string_agg(name, ',' ORDER BY name) FROM ir_module_module "
                "WHERE state = 'installed' AND name LIKE 'sms_retention%'", db=db)
        finally:
            pg.dropdb(db)
        expected = expected_installed([addon])
        if installed.split(",") != expected:
            die(f"installing {addon} alone installed {installed}, expected {expected}")
        bridges = sorted(set(expected) - {addon, "sms_retention"})
        also = f" (with the auto-installed {', '.join(bridges)})" if bridges else ""
        say(f"{addon} installs alone{also} without warnings ({time.time() - t0:.0f}s)")


def cmd_test(args):
    odoo_src, pg, config = provision()
    provision_browser()
    if not args.paths:
        check_standalone_installs(odoo_src, pg, config)
    db = _fresh_test_db(odoo_src, pg, config, "smsr_test_")
    try:
        t1 = time.time()
        install_log = LOCAL / "logs" / f"test-install-{os.getpid()}.log"
        odoo_run_logged(config, ["-d", db, "-i", ",".join(addons_under_test()),
                                 "--stop-after-init"], install_log)
        install_log.unlink(missing_ok=True)
        say(f"addons installed in {time.time() - t1:.0f}s without warnings")
        test_config = write_config(odoo_src, pg, "odoo-test.conf", db_name=db,
                                   dbfilter=f"^{db}$")
        paths = args.paths or [*ADDONS, "tests"]
        cmd = [str(venv_python()), "-m", "pytest", f"--odoo-config={test_config}",
               f"--odoo-database={db}", "--odoo-http", "--odoo-log-level=warn",
               *paths, *args.pytest_args]
        res = run(cmd, check=False, cwd=REPO, env=dict(pg.env(), SMS_RETENTION_TEST_DB=db))
    finally:
        if not args.keep_db:
            pg.dropdb(db)
    # pytest's summary stays the last line of the output.
    sys.exit(res.returncode)


def odoo_test_counts(log_path):
    """What Odoo's runner logged: the tests it ran (its closing report,
    "F failed, E error(s) of N tests when loading database ...", or 0), and
    per addon, its "Starting <test> ..." lines (one per test method)."""
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    reports = re.findall(r"\d+ failed, \d+ error\(s\) of (\d+) tests when loading", text)
    per_addon = {
        addon: len(re.findall(rf" odoo\.addons\.{addon}\.tests\.\w+: Starting ", text))
        for addon in ADDONS
    }
    return (int(reports[-1]) if reports else 0), per_addon


def cmd_odoo_test(args):
    t0 = time.time()
    odoo_src, pg, config = provision()
    provision_browser()
    db = _fresh_test_db(odoo_src, pg, config, "smsr_odootest_")
    log = LOCAL / "logs" / "odoo-test.log"
    try:
        tags = ",".join(f"/{a}" for a in ADDONS)
        passed = odoo_run_logged(
            config,
            ["-d", db, "-i", ",".join(ADDONS), "--test-enable", f"--test-tags={tags}",
             "--stop-after-init", f"--http-port={_free_port()}", "--log-level=info"],
            log, fatal=False,
        )
    finally:
        pg.dropdb(db)
    total, per_addon = odoo_test_counts(log)
    say(f"Odoo's runner ran {total} tests: "
        + ", ".join(f"{addon} {count}" for addon, count in per_addon.items()))
    if not passed:
        problems = log_problems(log)
        for line in problems[:40]:
            print(line, file=sys.stderr)
        die(f"Odoo's runner failed ({len(problems)} warning/error lines); see {log}",
            code=1)
    if not total:
        die(f"Odoo's runner ran no test; see {log}", code=1)
    say(f"Odoo's runner passed in {time.time() - t0:.0f}s")


README_SECTIONS = [
    ("DESCRIPTION", None),
    ("INSTALL", "Installation"),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("CONTRIBUTORS", "Contributors"),
]


def render_readme(addon):
    """README.rst of an addon, generated from its readme/*.md fragments."""
    title = manifest(addon)["name"]
    parts = ["=" * len(title), title, "=" * len(title), ""]
    parts += [".. Generated from readme/*.md by setup/dev/devenv.py readme.", ""]
    for fragment, heading in README_SECTIONS:
        path = REPO / addon / "readme" / f"{fragment}.md"
        if not path.exists():
            continue
        if heading:
            parts += [heading, "=" * len(heading), ""]
        parts += [path.read_text().strip(), ""]
    return "\n".join(parts)


def cmd_readme(args):
    stale = []
    for addon in ADDONS:
        path = REPO / addon / "README.rst"
        text = render_readme(addon)
        if path.exists() and path.read_text() == text:
            continue
        if args.check:
            stale.append(addon)
        else:
            path.write_text(text)
            say(f"wrote {path.relative_to(REPO)}")
    if stale:
        die(f"README.rst is stale in {', '.join(stale)}: run "
            "python3 setup/dev/devenv.py readme", code=1)


def cmd_lint(_args):
    provision_python()
    bindir = VENV / "bin"
    paths = [*ADDONS, "tests", "setup/dev"]
    manifests = [f"{addon}/__manifest__.py" for addon in ADDONS]
    steps = [
        [str(bindir / "ruff"), "check", *paths],
        [str(bindir / "ruff"), "format", "--check", *paths],
        [str(bindir / "pylint"), "--rcfile=.pylintrc-mandatory", *ADDONS],
        [str(bindir / "oca-checks-odoo-module"), *manifests],
        [str(bindir / "oca-checks-po"), "--disable=po-pretty-format",
         *[str(p.relative_to(REPO)) for a in ADDONS for p in (REPO / a).glob("i18n/*.po")]],
        [sys.executable, __file__, "readme", "--check"],
    ]
    failed = [step for step in steps if run(step, check=False, cwd=REPO).returncode]
    if failed:
        die(f"lint failed: {', '.join(Path(step[0]).name for step in failed)}", code=1)
    say("lint passed (ruff, ruff format, pylint-odoo mandatory checks, "
        "oca-checks-odoo-module, oca-checks-po, README.rst)")


def cmd_odoo(args):
    _odoo_src, _pg, config = provision()
    cmd = odoo_cmd(config, *args.odoo_args)
    os.execv(cmd[0], cmd)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("provision").set_defaults(func=cmd_provision)
    sub.add_parser("pg-env").set_defaults(func=cmd_pg_env)
    p_run = sub.add_parser("run")
    p_run.add_argument("--db", default=DEMO_DB)
    p_run.add_argument("--port", type=int, default=int(os.environ.get("SMS_RETENTION_HTTP_PORT", 8069)))
    p_run.add_argument("--no-serve", action="store_true", help="prepare the database only")
    p_run.set_defaults(func=cmd_run)
    p_test = sub.add_parser("test")
    p_test.add_argument("--keep-db", action="store_true")
    p_test.add_argument("paths", nargs="*")
    p_test.add_argument("--pytest-args", nargs=argparse.REMAINDER, default=[])
    p_test.set_defaults(func=cmd_test)
    sub.add_parser("odoo-test").set_defaults(func=cmd_odoo_test)
    sub.add_parser("lint").set_defaults(func=cmd_lint)
    p_readme = sub.add_parser("readme", help="generate each addon's README.rst")
    p_readme.add_argument("--check", action="store_true")
    p_readme.set_defaults(func=cmd_readme)
    p_odoo = sub.add_parser("odoo")
    p_odoo.add_argument("odoo_args", nargs=argparse.REMAINDER)
    p_odoo.set_defaults(func=cmd_odoo)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
