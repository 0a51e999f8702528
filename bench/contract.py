"""Rendering a high-voltage supply contract: median time and size.

    .venv/bin/python bench/contract.py [--customers N] [--repeat R] [--lang zh_CN|en]

Renders the draft contract of the demo customer with the most equipment (a small demo
archive in bench/data/, or DATABASE_URL), and as the floor a one-line PDF with the same
stylesheet and fonts: WeasyPrint's fixed cost. Prints medians, the ratio, the PDF's size
and the time to read the archive data it is made from.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from bench.common import bench_app, ensure_archive, median_ms
from utilitycrm.archive.models import Customer, Transformer
from utilitycrm.contracts import documents, terms
from utilitycrm.contracts.types import ContractKind
from utilitycrm.core.extensions import db
from utilitycrm.core.pdf import html_to_pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--lang", default="zh_CN")
    args = parser.parse_args()

    app = bench_app(f"contract-{args.customers}")
    ensure_archive(app, args.customers)
    with app.app_context():
        customer_id = db.session.scalar(
            select(Transformer.customer_id)
            .join(Customer, Transformer.customer_id == Customer.id)
            .where(Customer.voltage_kv != "0.4")
            .group_by(Transformer.customer_id)
            .order_by(func.count().desc(), Transformer.customer_id)
            .limit(1)
        )

        def load():
            db.session.expire_all()
            return terms.contract_data(terms.load_customers([customer_id])[customer_id])

        data = load()
        if terms.missing(data):
            raise SystemExit(f"the demo customer lacks: {terms.missing(data)}")
        particulars = documents.Particulars("GYD-BENCH-000001", ContractKind.HIGH_VOLTAGE)
        pdf = documents.render(particulars, data, language=args.lang)
        floor_pdf = html_to_pdf('<link rel="stylesheet" href="css/print.css"><p>供用电合同</p>')
        floor = median_ms(lambda: html_to_pdf(
            '<link rel="stylesheet" href="css/print.css"><p>供用电合同</p>'
        ), repeat=args.repeat)  # fmt: skip
        render = median_ms(
            lambda: documents.render(particulars, data, language=args.lang), repeat=args.repeat
        )
        reading = median_ms(load, repeat=args.repeat)

    backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    print(f"HV contract of customer {data['customer']['account_no']} "
          f"({len(data['sources'])} sources, {len(data['transformers'])} transformers, "
          f"{len(data['metering'])} metering points) on {backend}; median of {args.repeat}")  # fmt: skip
    print(f"{'step':<38} {'median ms':>10} {'× floor':>9}")
    print(f"{'floor: one-line PDF, same fonts':<38} {floor:>10.1f} {1:>9.1f}")
    print(
        f"{'render the HV contract (' + args.lang + ')':<38} {render:>10.1f} {render / floor:>9.1f}"
    )
    print(f"{'read its archive data':<38} {reading:>10.1f} {reading / floor:>9.2f}")
    print(f"contract size: {len(pdf):,} bytes; floor PDF: {len(floor_pdf):,} bytes")


if __name__ == "__main__":
    main()
