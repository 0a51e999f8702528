"""Demo readings for the line losses, a year of them, made from what the demo network
really is: each 台区 meters its customers' sales plus 3–5% of loss, and each line's head
meter what its dedicated customers truly used (at the transformer the network feeds, with
CT × PT) and its 台区 took, plus 2.5–5%. So the losses sit in band except where the
injected archive errors put them out: a customer recorded on the wrong line (or on none),
a wrong multiplier. The months are then computed, as the monthly job would."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date

from sqlalchemy import func, insert, select

from utilitycrm.accounts.models import MonthlyConsumption
from utilitycrm.archive.enums import Ownership, SourceKind, TransformerState
from utilitycrm.archive.models import Customer, NetworkNode, PowerSource, Transformer
from utilitycrm.core.dates import add_months
from utilitycrm.core.extensions import db
from utilitycrm.demo.models import DemoFault
from utilitycrm.network import losses
from utilitycrm.network.models import AreaReading, LineReading

MONTHS = 12
CHUNK = 5000


def _true_lines() -> dict[int, int]:
    """Customer → the line its energy really flows from: that of the node under the
    transformer its main source feeds (its first transformer on the network when none
    names a source), whatever the source records; with no transformer on the network,
    the line its main source names."""
    main = {customer_id: (source_id, line_id) for customer_id, source_id, line_id in
            db.session.execute(
                select(PowerSource.customer_id, func.min(PowerSource.id), func.min(PowerSource.line_id))
                .where(PowerSource.kind == SourceKind.MAIN.value)
                .group_by(PowerSource.customer_id))}  # fmt: skip
    placed: dict[int, int] = {}
    for customer_id, source_id, line_id in db.session.execute(
        select(Transformer.customer_id, Transformer.source_id, NetworkNode.line_id)
        .join(NetworkNode, NetworkNode.id == Transformer.node_id)
        .where(Transformer.customer_id.is_not(None),
               Transformer.state != TransformerState.REMOVED.value,
               NetworkNode.line_id.is_not(None))
        .order_by(Transformer.id)
    ):  # fmt: skip
        fed_by_main = source_id is not None and source_id == main.get(customer_id, (None,))[0]
        if customer_id not in placed or fed_by_main:
            placed[customer_id] = line_id
    recorded = {c: line for c, (_source, line) in main.items() if line is not None}
    return {**recorded, **placed}


def _write(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start : start + CHUNK])


def seed_readings(today: date, seed: int = 1) -> int:
    """Returns how many months were computed."""
    rng = random.Random(seed)
    this_month = today.replace(day=1)
    months = [add_months(this_month, -back) for back in range(MONTHS, 0, -1)]
    areas = db.session.execute(
        select(Transformer.id, NetworkNode.line_id, func.count(Customer.id))
        .join(NetworkNode, NetworkNode.id == Transformer.node_id)
        .outerjoin(Customer, Customer.supply_transformer_id == Transformer.id)
        .where(Transformer.ownership == Ownership.PUBLIC.value)
        .group_by(Transformer.id, NetworkNode.line_id)
        .order_by(Transformer.id)
    ).all()
    doubled = set(db.session.scalars(
        select(DemoFault.customer_id).where(DemoFault.kind == "multiplier_mismatch")))  # fmt: skip
    true_line = _true_lines()
    billed = db.session.execute(
        select(MonthlyConsumption.customer_id, MonthlyConsumption.month, MonthlyConsumption.kwh)
        .join(Customer, Customer.id == MonthlyConsumption.customer_id)
        .where(MonthlyConsumption.month >= months[0], Customer.supply_transformer_id.is_(None))
    ).all()
    used: dict[tuple[int, date], int] = defaultdict(int)  # (line, month) → true kWh
    for customer_id, month, kwh in billed:
        if customer_id in true_line:
            # A doubled multiplier bills twice what the customer used.
            used[true_line[customer_id], month] += kwh // 2 if customer_id in doubled else kwh
    area_rows, line_ids = [], {line_id for _t, line_id, _n in areas} | {k[0] for k in used}
    for transformer_id, line_id, customers in areas:
        for month in months:
            season = 1.15 if month.month in (1, 7, 8, 12) else 1.0
            sold = int(customers * rng.uniform(150, 260) * season)
            supplied = int(sold / (1 - rng.uniform(0.03, 0.05)))
            area_rows.append({"transformer_id": transformer_id, "month": month,
                              "supplied_kwh": supplied, "sold_kwh": sold})  # fmt: skip
            used[line_id, month] += supplied
    _write(AreaReading, area_rows)
    # Half the lines' head meters record their peak demand too (load factor 0.78-0.85): the
    # others' open capacity is estimated from their running kVA.
    _write(LineReading, [
        {"line_id": line_id, "month": month, "supplied_kwh": supplied,
         "peak_kw": int(supplied / 720 / rng.uniform(0.78, 0.85)) if line_id % 2 else None}
        for line_id in sorted(line_ids - {None}) for month in months
        if used.get((line_id, month))
        for supplied in (int(used[line_id, month] / (1 - rng.uniform(0.025, 0.05))),)
    ])  # fmt: skip
    for month in months:
        losses.compute(month, today=today)
    return len(months)
