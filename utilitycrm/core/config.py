"""Configuration read from the environment; TestConfig for the test suite."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

SUPPORTED_LOCALES = ("zh_CN", "en")


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Created with owner-only permissions from the start, never world-readable.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{Path(instance_path) / 'utilitycrm.sqlite'}"
    # Platforms hand out postgres:// URLs; SQLAlchemy needs the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """Defaults for a real deployment; values that depend on the instance are set in from_env."""

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BTN_STYLE = "primary"
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = SUPPORTED_LOCALES
    # Sign-in back-off: failures before it starts (per name and address; four times as many
    # for one address), the longest wait, and the longest one name waits on an address it
    # has not signed in from (a stranger elsewhere cannot keep its owner out longer).
    LOGIN_MAX_FAILURES = 5
    LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
    LOGIN_ACCOUNT_MAX_DELAY = timedelta(minutes=1)
    # Proxies in front that add X-Forwarded-For (nginx: 1); 0 trusts no such header.
    TRUSTED_PROXY_HOPS = 0
    PASSWORD_MIN_LENGTH = 10
    PAGE_SIZE = 50
    # 户号 format; most utilities use 10 digits.
    ARCHIVE_ACCOUNT_NO_PATTERN = r"\d{10}"
    # Lists never count or page past this many rows: narrow the search instead.
    LIST_ROW_LIMIT = 10_000
    # A PDF findings report lists at most this many findings (the workbook lists all).
    REPORT_MAX_FINDINGS = 2_000
    # A findings workbook of more rows is written by a job, not in the request.
    REPORT_DIRECT_ROWS = 5_000
    # Workbook imports: the file, its rows, and what its zip may unpack to.
    IMPORT_MAX_BYTES = 50 * 2**20
    # A whole legacy archive comes in through the shell (`flask archive import`): larger.
    IMPORT_SHELL_MAX_BYTES = 8 * 2**30
    IMPORT_MAX_ROWS = 10_000_000
    IMPORT_MAX_UNCOMPRESSED = 1024 * 2**20
    # openpyxl holds a workbook's shared strings in memory: this bounds what an import takes.
    IMPORT_MAX_SHARED_STRINGS = 256 * 2**20
    # Where uploaded workbooks are kept between check and commit (default instance/imports).
    IMPORT_FOLDER: str | None = None
    # Business limits (time limits, terms, thresholds) are no deployment setting: they are
    # dated sets read through archive.thresholds.standards_on(day).
    # Expansion projects: numbers and the 户号 given to a new applicant.
    PROJECT_NUMBER_PATTERN = "YK-{year}-{seq:06d}"
    PROJECT_ACCOUNT_NO_PATTERN = "9{seq:09d}"
    # Supply plans' numbers (供电方案编号), and the largest document a project keeps.
    PLAN_NUMBER_PATTERN = "FA-{year}-{seq:06d}"
    PROJECT_ATTACHMENT_MAX_BYTES = 20 * 2**20
    # Supply contracts: numbers, scans, the supplier's party block.
    CONTRACT_NUMBER_PATTERN = "GYD-{year}-{seq:06d}"
    CONTRACT_SCAN_MAX_BYTES = 20 * 2**20
    CONTRACT_SUPPLIER = {
        "name": "国网示范市供电公司",
        "address": "示范市人民路 1 号",
        "representative": "",
        "phone": "95598",
        "bank": "",
        "account": "",
    }
    # Complaints' numbers.
    COMPLAINT_NUMBER_PATTERN = "TS-{year}-{seq:06d}"
    # The job queue: sqlite:///FILE (default instance/jobs.sqlite, no server), redis://HOST
    # for web and workers on several hosts, or immediate (each job runs as it is queued).
    JOBS_URL: str | None = None
    # Modules imported at start-up that declare a deployment's own kinds of job.
    JOBS_MODULES: tuple[str, ...] = ()
    # Where jobs keep the files they make (reports); default instance/job-files.
    JOBS_FILES_FOLDER: str | None = None
    # A running job silent this long (seconds) lost its worker and is taken over.
    JOBS_STALE_SECONDS = 60
    # A whole-archive validation on PostgreSQL is cut into this many parts that workers
    # validate side by side on one exported snapshot; 1 validates in the run's own worker.
    VALIDATION_PARTS = 1
    # The nightly backup's folder (default instance/backups); kept this many days.
    BACKUP_FOLDER: str | None = None
    BACKUP_KEEP_DAYS = 14
    # The address staff reach the app at, for links in alert mails sent by the schedule.
    PUBLIC_URL = "http://localhost:5000"
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "utilitycrm@localhost"

    @classmethod
    def from_env(cls, instance_path: str) -> dict[str, object]:
        secure = _flag("UTILITYCRM_SECURE_COOKIES")
        return {
            "TRUSTED_PROXY_HOPS": int(os.environ.get("UTILITYCRM_PROXY_HOPS") or 0),
            "SECRET_KEY": load_secret_key(instance_path),
            "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
            "SESSION_COOKIE_SECURE": secure,
            "REMEMBER_COOKIE_SECURE": secure,
            "BABEL_DEFAULT_LOCALE": os.environ.get("UTILITYCRM_LOCALE", cls.BABEL_DEFAULT_LOCALE),
            "PUBLIC_URL": os.environ.get("UTILITYCRM_PUBLIC_URL", cls.PUBLIC_URL),
            "JOBS_URL": os.environ.get("UTILITYCRM_JOBS_URL") or None,
            "JOBS_MODULES": tuple(
                name.strip()
                for name in os.environ.get("UTILITYCRM_JOBS_MODULES", "").split(",")
                if name.strip()
            ),
            "JOBS_STALE_SECONDS": float(
                os.environ.get("UTILITYCRM_JOBS_STALE_SECONDS") or cls.JOBS_STALE_SECONDS
            ),
            "VALIDATION_PARTS": int(
                os.environ.get("UTILITYCRM_VALIDATION_PARTS") or cls.VALIDATION_PARTS
            ),
            "BACKUP_FOLDER": os.environ.get("UTILITYCRM_BACKUP_FOLDER") or None,
            "MAIL_SERVER": os.environ.get("MAIL_SERVER", cls.MAIL_SERVER),
            "MAIL_PORT": int(os.environ.get("MAIL_PORT", cls.MAIL_PORT)),
            "MAIL_USE_TLS": _flag("MAIL_USE_TLS"),
            "MAIL_USE_SSL": _flag("MAIL_USE_SSL"),
            "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
            "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
            "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", cls.MAIL_DEFAULT_SENDER),
        }


class TestConfig(Config):
    """The suite's settings: the database comes from the environment or a temporary file."""

    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {}
    WTF_CSRF_ENABLED = False
    BABEL_DEFAULT_LOCALE = "zh_CN"
    # Each job runs inside the request or command that queues it; the tests that need
    # real workers start them (tests/core/test_jobs_workers.py).
    JOBS_URL = "immediate"
