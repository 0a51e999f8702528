"""Customer list and search latency on a million-customer archive.

    .venv/bin/python bench/archive_list.py [--customers N] [--repeat R]

Seeds the demo utility once (a SQLite file in bench/data/, or DATABASE_URL) and reuses it.
Prints the median latency of each request through the whole app (routing, session, query,
template) and its ratio to a trivial request of the same app, the floor.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from bench.common import bench_app, ensure_archive, median_ms
from utilitycrm.archive.models import Customer, FeederLine, Meter
from utilitycrm.core.extensions import db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    app = bench_app(f"archive-{args.customers}")
    seeded = ensure_archive(app, args.customers)
    if seeded is not None:
        print(f"seeded {args.customers:,} customers in {seeded:.0f} s")

    with app.app_context():
        last = db.session.scalar(select(Customer).order_by(Customer.id.desc()).limit(1))
        middle = db.session.get(Customer, args.customers // 2)
        line_id = db.session.scalar(select(FeederLine.id).limit(1))
        asset_no = db.session.scalar(select(Meter.asset_no).order_by(Meter.id.desc()).limit(1))
        name_prefix = middle.name[:6]
        account_no, account_prefix = last.account_no, last.account_no[:7]

    client = app.test_client()
    client.post("/login", data={"username": "marketing", "password": "demo-password"})

    def get(url: str):
        def call():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return call

    floor = median_ms(get("/static/css/app.css"), repeat=args.repeat)
    cases = {
        "customer list, first page": "/archive/customers",
        "customer list, page 100": "/archive/customers?page=100",
        "search by 户号 (exact)": f"/archive/customers?q={account_no}",
        "search by 户号 prefix": f"/archive/customers?q={account_prefix}",
        "search by name prefix": f"/archive/customers?q={name_prefix}",
        "search by meter asset no": f"/archive/customers?q={asset_no}",
        "filter by line": f"/archive/customers?line_id={line_id}",
        "customer page (360)": f"/archive/customers/{account_no}",
    }
    backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    print(f"archive of {args.customers:,} customers on {backend}; median of {args.repeat}")
    print(f"{'request':<30} {'median ms':>10} {'× floor':>9}")
    print(f"{'floor: a static file':<30} {floor:>10.2f} {1:>9.1f}")
    for label, url in cases.items():
        latency = median_ms(get(url), repeat=args.repeat)
        print(f"{label:<30} {latency:>10.2f} {latency / floor:>9.1f}")


if __name__ == "__main__":
    main()
