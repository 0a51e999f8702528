"""One month's line losses at a million customers: every 10 kV line and 台区 computed in
one set-based pass, against reading the rows it needs once.

    .venv/bin/python bench/losses.py [--customers N] [--repeat R] [--json FILE]

Seeds the demo utility once (a SQLite file in bench/data/, or DATABASE_URL) and reuses
it; gives it a month of readings when it has none: every dedicated customer's energy,
every 台区's meter and sales, every line's head meter. The floor reads with the driver's
cursor exactly the rows the computation needs: the month's consumption, those customers'
main sources, every customer's 台区 (for the count of customers a 台区 holds), the
month's 台区 readings with their transformers' lines, and the head readings. Target: the
computation (results written, committed) ≤ 2× the floor.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, text

from bench.common import archive_bench, figure, write_figures
from utilitycrm.core.dates import add_months, local_today
from utilitycrm.core.extensions import db

TARGET = 2.0
FLOOR_QUERIES = (
    "SELECT customer_id, kwh FROM monthly_consumption WHERE month = :month",
    "SELECT customer_id, line_id FROM power_source WHERE kind = 'main' AND customer_id IN "
    "(SELECT customer_id FROM monthly_consumption WHERE month = :month)",
    "SELECT supply_transformer_id FROM customer WHERE supply_transformer_id IS NOT NULL",
    "SELECT r.transformer_id, r.supplied_kwh, r.sold_kwh, n.line_id FROM area_reading r "
    "JOIN transformer t ON t.id = r.transformer_id "
    "LEFT JOIN network_node n ON n.id = t.node_id WHERE r.month = :month",
    "SELECT line_id, supplied_kwh FROM line_reading WHERE month = :month",
)
# A month of readings, written by the database itself: energy from capacity, a loss of a
# few per cent from the id (deterministic, no randomness to reseed).
SEED_STATEMENTS = (
    "INSERT INTO monthly_consumption (customer_id, month, kwh, amount_yuan, updated_at) "
    "SELECT id, :month, contract_capacity_kva * 200 + id % 997, "
    "(contract_capacity_kva * 200 + id % 997) * 0.6, :now FROM customer "
    "WHERE supply_transformer_id IS NULL AND contract_capacity_kva IS NOT NULL",
    "INSERT INTO area_reading (transformer_id, month, supplied_kwh, sold_kwh, updated_at) "
    "SELECT t.id, :month, (COUNT(c.id) * 200 + 1) * 104 / 100, COUNT(c.id) * 200 + 1, :now "
    "FROM transformer t LEFT JOIN customer c ON c.supply_transformer_id = t.id "
    "WHERE t.ownership = 'public' GROUP BY t.id",
)


def _seed_month(month) -> bool:
    """A month of readings unless the archive has them; whether it wrote any."""
    from utilitycrm.network.models import LineReading

    if db.session.scalar(select(func.count()).select_from(LineReading)):
        return False
    from utilitycrm.core.database import refresh_statistics, utcnow
    from utilitycrm.network import losses

    params = {"month": month, "now": utcnow()}
    for statement in SEED_STATEMENTS:
        db.session.execute(text(statement), params)
    # Each head meter: what the archive puts on its line, plus 3.5%.
    db.session.commit()
    sales = losses.dedicated_sales(month)
    areas = db.session.execute(text(FLOOR_QUERIES[3]), {"month": month}).all()
    on_line: dict[int, int] = {}
    for _transformer, supplied, _sold, line_id in areas:
        on_line[line_id] = on_line.get(line_id, 0) + supplied
    for line_id, (kwh, _n) in sales.items():
        on_line[line_id] = on_line.get(line_id, 0) + kwh
    rows = [{"line_id": line_id, "month": month, "supplied_kwh": int(kwh * 1.035)}
            for line_id, kwh in on_line.items() if line_id is not None]  # fmt: skip
    db.session.execute(LineReading.__table__.insert(), rows)
    refresh_statistics(db.session.connection())
    db.session.commit()
    return True


def _floor(month) -> int:
    raw = db.engine.raw_connection()
    rows = 0
    try:
        cursor = raw.cursor()
        sqlite = db.engine.dialect.name == "sqlite"
        for query in FLOOR_QUERIES:
            statement = query.replace(":month", "?" if sqlite else "%s")
            cursor.execute(statement, (month,) * statement.count("?" if sqlite else "%s"))
            rows += len(cursor.fetchall())
    finally:
        raw.close()
    return rows


def main() -> None:
    args, app = archive_bench(__doc__, repeat=5)
    with app.app_context():
        from utilitycrm.network import losses

        month = add_months(local_today().replace(day=1), -1)
        started = time.perf_counter()
        if _seed_month(month):
            print(f"seeded a month of readings in {time.perf_counter() - started:.0f} s")
        floors, runs, rows = [], [], 0
        for _attempt in range(args.repeat + 1):  # the first of each warms caches and plans
            started = time.perf_counter()
            rows = _floor(month)
            floors.append(time.perf_counter() - started)
            started = time.perf_counter()
            computation = losses.compute(month, today=local_today())
            db.session.commit()
            runs.append(time.perf_counter() - started)
        counts = computation.counts
    floor, run = statistics.median(floors[1:]), statistics.median(runs[1:])
    backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    print(f"line losses of {month.isoformat()[:7]}, {args.customers:,} customers on {backend}")
    print(f"{'measurement':<52} {'s':>8} {'× floor':>8}")
    print(f"{'floor: the rows it needs, read once (' + format(rows, ',') + ' rows)':<52} "
          f"{floor:>8.2f} {1:>8.1f}")  # fmt: skip
    print(f"{'one month: every line and 台区, results kept':<52} {run:>8.2f} {run / floor:>8.1f}")
    lines, areas = sum(counts["line"].values()), sum(counts["area"].values())
    print(
        f"{lines:,} lines and {areas:,} 台区; bands: lines {counts['line']}, 台区 {counts['area']}"
    )
    print(f"target: ≤ {TARGET:g}× the floor: {'met' if run <= TARGET * floor else 'missed'}")
    write_figures(args.json, {"losses_month": figure(run, floor, "s")})


if __name__ == "__main__":
    main()
