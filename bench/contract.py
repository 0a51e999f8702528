"""Rendering a high-voltage supply contract: median time and size.

    .venv/bin/python bench/contract.py [--customers N] [--repeat R] [--lang zh_CN|en]

Renders the draft contract of a large key account: the demo customer with the most
equipment (a small demo archive in bench/data/, or DATABASE_URL), given for the run (and
rolled back after it) copies of its equipment up to --transformers transformers and
--points metering points with two meters each, as a plant with several substations of
its own has them. The floor is a one-line PDF with the same stylesheet and fonts:
WeasyPrint's fixed cost. Prints medians, the ratio, the PDF's size and the time to read
the archive data it is made from.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select

from bench.common import bench_app, ensure_archive, figure, median_ms, write_figures
from utilitycrm.archive.models import Customer, Meter, MeteringPoint, Transformer
from utilitycrm.contracts import documents, terms
from utilitycrm.contracts.types import ContractKind
from utilitycrm.core.extensions import db
from utilitycrm.core.pdf import html_to_pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--lang", default="zh_CN")
    parser.add_argument("--transformers", type=int, default=8)
    parser.add_argument("--points", type=int, default=4)
    parser.add_argument("--json", metavar="FILE", help="write the figures there")
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

        _grow(customer_id, args.transformers, args.points)

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

        db.session.rollback()  # the copies were for this run only

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
    write_figures(args.json, {
        "contract_render": figure(render, floor),
        "contract_bytes": figure(len(pdf), len(floor_pdf), "bytes"),
    })  # fmt: skip


def _copies(model, row, count: int, code: str, **changes) -> list[dict]:
    values = {c.name: getattr(row, c.name) for c in model.__table__.columns if c.name != "id"}
    return [values | {"code": f"{code}-{n}"} | changes for n in range(count)]


def _grow(customer_id: int, transformers: int, points: int) -> None:
    """Copies of the customer's equipment, in the session's transaction."""
    have = db.session.scalars(select(Transformer).where(Transformer.customer_id == customer_id))
    have = list(have)
    if len(have) < transformers:
        rows = _copies(Transformer, have[0], transformers - len(have), "BENCH-T")
        db.session.execute(insert(Transformer), rows)
    point = db.session.scalar(select(MeteringPoint).where(MeteringPoint.customer_id == customer_id))
    meter = db.session.scalar(select(Meter).where(Meter.metering_point_id == point.id))
    for n, values in enumerate(_copies(MeteringPoint, point, points - 1, "BENCH-M")):
        point_id = db.session.execute(insert(MeteringPoint).values(values)).inserted_primary_key[0]
        for m in range(2):
            copy = {
                c.name: getattr(meter, c.name) for c in Meter.__table__.columns if c.name != "id"
            }
            copy |= {"metering_point_id": point_id, "asset_no": f"BENCH{n:03d}{m}"}
            db.session.execute(insert(Meter).values(copy))
    db.session.flush()


if __name__ == "__main__":
    main()
