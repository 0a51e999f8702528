"""Check on save at a million customers: the rules re-run for the one customer a save
touched, as the archive's pages do it after every save.

    .venv/bin/python bench/check_on_save.py [--customers N] [--repeat R] [--json FILE]

Seeds the demo utility once (a SQLite file in bench/data/, or DATABASE_URL) and reuses it.
Checks `--repeat` customers spread over the whole id range, each once (a save is one
customer's), and prints p50/p95/p99 beside the floor: reading that customer's row by its
primary key with the driver's cursor. Target: p50 ≤ 50 ms on both databases.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from bench.common import archive_bench, figure, percentile, write_figures
from utilitycrm.archive.models import Customer
from utilitycrm.core.extensions import db

TARGET_MS = 50


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    args, app = archive_bench(__doc__, repeat=60)

    with app.app_context():
        from utilitycrm.validation import services

        last = db.session.scalar(select(func.max(Customer.id)))
        step = max(1, last // (args.repeat + 3))
        chosen = list(range(step, last + 1, step))[: args.repeat + 3]
        placeholder = "?" if db.engine.dialect.name == "sqlite" else "%s"
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()

            def read(customer_id: int) -> None:
                cursor.execute(f"SELECT * FROM customer WHERE id = {placeholder}", (customer_id,))
                cursor.fetchall()

            floors = [_timed(lambda c=c: read(c)) for c in chosen]
        finally:
            raw.close()
        for warm in chosen[:3]:  # the first checks compile statements and fill caches
            services.check_customers([warm], actor=None)
        checks = [_timed(lambda c=c: services.check_customers([c], actor=None)) for c in chosen[3:]]

    backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    floor = percentile(floors[3:], 0.5)
    print(f"check on save, {len(checks)} customers of {args.customers:,} on {backend}")
    print(f"{'measurement':<40} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'p50 × floor':>12}")
    rows = {"floor: the customer's row by id": floors[3:], "check on save (one customer)": checks}
    figures = {}
    for label, samples in rows.items():
        p50, p95, p99 = (percentile(samples, share) for share in (0.5, 0.95, 0.99))
        print(f"{label:<40} {p50:>8.2f} {p95:>8.2f} {p99:>8.2f} {p50 / floor:>12.1f}")
    p50 = percentile(checks, 0.5)
    print(f"target: p50 ≤ {TARGET_MS} ms: {'met' if p50 <= TARGET_MS else 'missed'}")
    figures["check_on_save_p50"] = figure(p50, floor)
    figures["check_on_save_p95"] = figure(percentile(checks, 0.95), floor)
    write_figures(args.json, figures)


if __name__ == "__main__":
    main()
