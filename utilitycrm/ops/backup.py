"""`flask backup FILE` and `flask restore FILE`: a consistent copy of the database taken
while the application runs, and putting one back.

SQLite uses its online backup API (readers and the writer carry on); PostgreSQL uses
pg_dump's custom format and pg_restore, which the PostgreSQL client package provides.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from utilitycrm.core.extensions import db


def _libpq_url() -> str:
    """The database URL as pg_dump reads it (no SQLAlchemy driver name)."""
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_file() -> str:
    return make_url(str(db.engine.url)).database


class BackupFailed(RuntimeError):
    """pg_dump or pg_restore is missing or failed: the shell says so, a job retries."""


def _run(*command: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupFailed(f"{command[0]} is not installed (Debian: postgresql-client)")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupFailed(f"{command[0]} failed: {result.stderr.strip()[:2000]}")


def _copy_sqlite(source: str, target: str) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def write_backup(path: Path) -> int:
    """A consistent copy of the database in PATH, written beside it and renamed when
    whole (a worker killed half-way leaves no half backup under the name). Its size."""
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    if db.engine.dialect.name == "sqlite":
        _copy_sqlite(_sqlite_file(), str(partial))
    else:
        _run("pg_dump", "--format=custom", "--no-owner", "--file", str(partial), _libpq_url())
    partial.replace(path)
    return path.stat().st_size


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Write a backup of the database to PATH (the app may keep running)."""
    if path.exists():
        raise click.ClickException(f"{path} exists; choose a new file")
    try:
        size = write_backup(path)
    except BackupFailed as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"backup written to {path} ({size:,} bytes)")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the database without asking.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the database with the backup in PATH. Stop the application first."""
    if not yes:
        click.confirm(f"Replace {db.engine.url.render_as_string()} with {path}?", abort=True)
    db.session.remove()
    db.engine.dispose()  # no pooled connection may outlive the old database
    if db.engine.dialect.name == "sqlite":
        with sqlite3.connect(str(path)) as check:
            if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise click.ClickException(f"{path} is not a sound SQLite database")
        check.close()
        _copy_sqlite(str(path), _sqlite_file())
    else:
        _restore_postgresql(path)
    click.echo(f"database restored from {path}")


def _restore_postgresql(path: Path) -> None:
    try:
        _run("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
             "--dbname", _libpq_url(), str(path))  # fmt: skip
    except BackupFailed as error:
        raise click.ClickException(str(error)) from error
