"""Customer list and search latency on a million-customer archive.

    .venv/bin/python bench/archive_list.py [--customers N] [--repeat R] [--json FILE]

Seeds the demo utility once (a SQLite file in bench/data/, or DATABASE_URL) and reuses it.
Prints p50/p95/p99 of each request through the whole app (routing, session, query,
template), after a warm-up, and the ratio of its p50 to the floor: a signed-in trivial
page of the same app (the profile: the layout, the user, no archive). A static file is
shown beside it. Targets (issue 22, PostgreSQL): exact 户号, meter asset number and line
filter ≤ 2× the floor; name prefix and anywhere search ≤ 4×.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from bench.common import archive_bench, figure, percentile, samples_ms, write_figures
from utilitycrm.archive.models import Customer, FeederLine, Meter
from utilitycrm.core.extensions import db


def main() -> None:
    args, app = archive_bench(__doc__, repeat=40)

    with app.app_context():
        last = db.session.scalar(select(Customer).order_by(Customer.id.desc()).limit(1))
        middle = db.session.get(Customer, args.customers // 2)
        line_id = db.session.scalar(select(FeederLine.id).limit(1))
        asset_no = db.session.scalar(select(Meter.asset_no).order_by(Meter.id.desc()).limit(1))
        name_prefix = middle.name[:2]  # what a user types: a family name and one more
        firm = db.session.scalar(
            select(Customer.name)
            .where(Customer.category == "large_industry")
            .order_by(Customer.id.desc())
            .limit(1)
        )
        # Two characters inside a firm's name, as 物流 or 光伏 in 示范市石桥三光伏股份有限公司.
        anywhere = re.sub(r"(股份)?有限(责任)?公司$", "", firm)[-2:]
        account_no, account_prefix = last.account_no, last.account_no[:7]

    client = app.test_client()
    client.post("/login", data={"username": "marketing", "password": "demo-password"})

    def get(url: str):
        def call():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return call

    floors = {
        "floor: a static file": "/static/css/app.css",
        "floor: signed-in trivial page": "/profile",
    }
    cases = {
        "customer list, first page": "/archive/customers",
        "customer list, page 100": "/archive/customers?page=100",
        "search by 户号 (exact)": f"/archive/customers?q={account_no}",
        "search by 户号 prefix": f"/archive/customers?q={account_prefix}",
        "search by name prefix": f"/archive/customers?q={name_prefix}",
        "search anywhere (2 characters)": f"/archive/customers?q={anywhere}&anywhere=y",
        "search by meter asset no": f"/archive/customers?q={asset_no}",
        "filter by line": f"/archive/customers?line_id={line_id}",
        "customer page": f"/archive/customers/{account_no}",
    }
    backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    print(f"archive of {args.customers:,} customers on {backend}; {args.repeat} requests each")
    print(f"name prefix {name_prefix!r}, anywhere {anywhere!r}")
    print(f"{'request':<34} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'p50 × floor':>12}")
    floor = None
    figures = {}
    for label, url in (floors | cases).items():
        samples = samples_ms(get(url), repeat=args.repeat)
        p50, p95, p99 = (percentile(samples, share) for share in (0.5, 0.95, 0.99))
        if url == "/profile":
            floor = p50
        ratio = f"{p50 / floor:>12.1f}" if floor else f"{'':>12}"
        print(f"{label:<34} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f} {ratio}")
        figures[label] = figure(p50, floor) | {"p95": round(p95, 2), "p99": round(p99, 2)}
    write_figures(args.json, figures)


if __name__ == "__main__":
    main()
