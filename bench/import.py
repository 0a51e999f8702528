"""Importing a generated N-customer workbook, against plain Core inserts of the same rows.

    .venv/bin/python bench/import.py [--customers 100000]

The workbook is the export of a demo utility of N customers (with transformers, sources,
metering, meters, contacts and documents), made once in bench/data/. The import runs the
whole path (read, check, apply with history) into an empty SQLite database; the floor
copies the same archive rows with SQLAlchemy Core insert() executemany into another.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade
from sqlalchemy import insert, select, text

from bench.common import DATA, bench_app, ensure_archive
from utilitycrm.archive.workbook.export import export_workbook
from utilitycrm.archive.workbook.importing import import_workbook
from utilitycrm.archive.workbook.layout import MODELS, SHEETS
from utilitycrm.auth.models import User
from utilitycrm.core.extensions import db


def archive_tables() -> list:
    """The workbook's tables, the wings' sheets included (they register with the app)."""
    return [MODELS[sheet.key].__table__ for sheet in SHEETS]


def empty_target(name: str):
    path = DATA / f"{name}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    app = bench_app(name)
    with app.app_context():
        upgrade()
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()

    source = bench_app(f"archive-{args.customers}")
    if (seconds := ensure_archive(source, args.customers)) is not None:
        print(f"seeded the source archive of {args.customers:,} customers in {seconds:.0f} s")
    workbook_path = DATA / f"import-{args.customers}.xlsx"
    with source.test_request_context():
        if not workbook_path.exists():
            workbook_path.write_bytes(export_workbook().getvalue())
        users = [{c.key: getattr(u, c.key) for c in User.__table__.c}
                 for u in db.session.scalars(select(User))]  # fmt: skip
        rows = {table.name: [dict(r._mapping) for r in db.session.execute(select(table))]
                for table in archive_tables()}  # fmt: skip
    data = workbook_path.read_bytes()
    total = sum(len(r) for r in rows.values())

    target = empty_target("import-target")
    with target.test_request_context():
        db.session.execute(insert(User), users)  # account managers are named by user name
        db.session.commit()
        started = time.perf_counter()
        result = import_workbook(data, workbook_path.name, actor=None, dry_run=False)
        db.session.commit()
        imported = time.perf_counter() - started
        if not result.committed:
            raise SystemExit(f"import refused: {result.problems[:5]}")

    floor_app = empty_target("import-floor")
    with floor_app.app_context():
        db.session.execute(insert(User), users)
        db.session.commit()
        started = time.perf_counter()
        # Customers and public transformers refer to each other: check at commit.
        db.session.execute(text("PRAGMA defer_foreign_keys=ON"))
        for table in archive_tables():
            if rows[table.name]:
                db.session.execute(insert(table), rows[table.name])
        db.session.commit()
        floor = time.perf_counter() - started

    print(f"workbook of {args.customers:,} customers: {len(data) / 2**20:.1f} MB, {total:,} rows")
    print(f"{'':<34} {'seconds':>8} {'rows/s':>9} {'× floor':>8}")
    print(
        f"{'floor: Core insert() executemany':<34} {floor:>8.1f} {total / floor:>9,.0f} {1:>8.1f}"
    )
    print(f"{'import (read, check, apply, history)':<34} {imported:>8.1f} {total / imported:>9,.0f} "
          f"{imported / floor:>8.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
