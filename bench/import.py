"""Importing a generated N-customer archive, against reading the same file plainly and
inserting the same rows with Core.

    .venv/bin/python bench/import.py [--customers 20000] [--format csv|xlsx]
                                     [--database sqlite|postgresql] [--json FILE]

The archive is the export of a demo utility of N customers (with transformers, sources,
metering, meters, contacts, documents and contracts), made once in bench/data/: a zip of
CSV files (the default, what a migration brings) or one workbook. The import runs the
whole path (read, check, apply with history) into an empty database (a SQLite file, or a
database of its own on the PostgreSQL server of BENCH_POSTGRES_URL), in a process of its
own so that its peak memory is its own. The floor, measured in the same run, is reading
the same file with a plain reader (the csv module; openpyxl read-only for a workbook)
plus SQLAlchemy Core insert() executemany of the same rows into another empty database
of the same kind.
"""

from __future__ import annotations

import argparse
import csv
import io
import multiprocessing
import os
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade
from openpyxl import load_workbook
from sqlalchemy import create_engine, insert, select, text

from bench.common import DATA, bench_app, ensure_archive, figure, peak_memory_mb, write_figures
from utilitycrm.archive.workbook.export import export_csv, export_workbook
from utilitycrm.archive.workbook.importing import import_limits, import_workbook
from utilitycrm.archive.workbook.layout import MODELS, SHEETS
from utilitycrm.auth.models import User
from utilitycrm.core.extensions import db


def archive_tables() -> list:
    """The workbook's tables, the wings' sheets included (they register with the app)."""
    return [MODELS[sheet.key].__table__ for sheet in SHEETS]


POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")


def empty_target(name: str, database: str):
    """The app on an empty, migrated database of this name: a SQLite file in bench/data,
    or a database of that name on the PostgreSQL server (dropped and created anew)."""
    if database == "sqlite":
        path = DATA / f"{name}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        app = bench_app(name, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    else:
        database_name = "bench_" + name.replace("-", "_")
        server = create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {database_name} WITH (FORCE)")
            connection.exec_driver_sql(f"CREATE DATABASE {database_name}")
        server.dispose()
        app = bench_app(name, SQLALCHEMY_DATABASE_URI=f"{POSTGRES}/{database_name}")
    with app.app_context():
        upgrade()
    return app


def export_archive(path: Path) -> None:
    if path.suffix == ".xlsx":
        path.write_bytes(export_workbook().getvalue())
        return
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        export_csv(lambda name: bundle.open(name, "w"))


def read_plainly(data: bytes, kind: str) -> int:
    """Every cell of the file read once by the plain reader; the rows read."""
    count = 0
    if kind == "xlsx":
        book = load_workbook(io.BytesIO(data), read_only=True)
        for sheet in book.worksheets:
            for _row in sheet.iter_rows(values_only=True):
                count += 1
        book.close()
        return count
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        for name in bundle.namelist():
            for _row in csv.reader(io.StringIO(bundle.read(name).decode("utf-8-sig"))):
                count += 1
    return count


def _import(path: str, database: str, users: list[dict], answer) -> None:
    """The child process: the import into an empty database, its seconds and peak RSS."""
    target = empty_target("import-target", database)
    with target.test_request_context():
        db.session.execute(insert(User), users)  # account managers are named by user name
        db.session.commit()
        started = time.perf_counter()
        result = import_workbook(Path(path), Path(path).name, actor=None, dry_run=False,
                                 limits=import_limits(shell=True))  # fmt: skip
        db.session.commit()
        seconds = time.perf_counter() - started
    problems = [p.message for p in result.problems[:5]]
    peak_mb = peak_memory_mb()
    answer.send((result.committed, problems, seconds, peak_mb))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="where the import and the floor write (PostgreSQL: BENCH_POSTGRES_URL)",
    )
    parser.add_argument("--json", metavar="FILE", help="write the figures there")
    args = parser.parse_args()

    source = bench_app(f"archive-{args.customers}")
    if (seconds := ensure_archive(source, args.customers)) is not None:
        print(f"seeded the source archive of {args.customers:,} customers in {seconds:.0f} s")
    path = DATA / f"import-{args.customers}.{'zip' if args.format == 'csv' else 'xlsx'}"
    with source.test_request_context():
        if not path.exists():
            export_archive(path)
        users = [{c.key: getattr(u, c.key) for c in User.__table__.c}
                 for u in db.session.scalars(select(User))]  # fmt: skip
        rows = {table.name: [dict(r._mapping) for r in db.session.execute(select(table))]
                for table in archive_tables()}  # fmt: skip
    data = path.read_bytes()
    total = sum(len(r) for r in rows.values())

    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_import, args=(str(path), args.database, users, sending))
    child.start()
    committed, problems, imported, peak_mb = receiving.recv()
    child.join()
    if not committed:
        raise SystemExit(f"import refused: {problems}")

    started = time.perf_counter()
    read_plainly(data, args.format)
    reading = time.perf_counter() - started
    floor_app = empty_target("import-floor", args.database)
    with floor_app.app_context():
        db.session.execute(insert(User), users)
        db.session.commit()
        started = time.perf_counter()
        # Customers and public transformers refer to each other: SQLite checks them at the
        # commit, PostgreSQL (whose keys are not deferrable) not at all, for the floor.
        if args.database == "sqlite":
            db.session.execute(text("PRAGMA defer_foreign_keys=ON"))
        else:
            db.session.execute(text("SET LOCAL session_replication_role = replica"))
        for table in archive_tables():
            if rows[table.name]:
                db.session.execute(insert(table), rows[table.name])
        db.session.commit()
        inserting = time.perf_counter() - started
    floor = reading + inserting

    reader = "openpyxl read-only" if args.format == "xlsx" else "csv module"
    print(f"archive of {args.customers:,} customers as {path.name}: "
          f"{len(data) / 2**20:.1f} MB, {total:,} rows, imported into {args.database}")  # fmt: skip
    print(f"{'':<40} {'seconds':>8} {'rows/s':>9} {'× floor':>8}")
    for label, seconds in (
        (f"floor: read ({reader})", reading),
        ("floor: Core insert() executemany", inserting),
        ("floor: both", floor),
        ("import (read, check, apply, history)", imported),
    ):
        print(f"{label:<40} {seconds:>8.1f} {total / seconds:>9,.0f} {seconds / floor:>8.1f}")
    print(f"peak memory of the import process: {peak_mb:,.0f} MB")
    write_figures(args.json, {
        "floor_read": figure(reading, None, "s"),
        "floor_insert": figure(inserting, None, "s"),
        "import": figure(imported, floor, "s"),
        "import_peak_memory": figure(peak_mb, None, "MB"),
    })  # fmt: skip


if __name__ == "__main__":
    main()
