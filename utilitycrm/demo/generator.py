"""Generates a consistent demo utility as plain rows, deterministically from a seed.

Every customer satisfies the archive's invariants (standards.py) so that a seed with no
faults gives a clean archive; faults.py then breaks a share of it on purpose. Rows carry
their ids, so that references are wired without asking the database, and customers come
line by line so that a million of them never sit in memory at once.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from utilitycrm.archive import standards
from utilitycrm.archive.enums import (
    BasicChargeBasis,
    Category,
    Connection,
    CustomerStatus,
    DocumentKind,
    IdType,
    Importance,
    MeteringClass,
    MeteringMethod,
    NodeKind,
    Ownership,
    SourceKind,
    TariffStructure,
    TransformerKind,
    TransformerState,
    ValueClass,
    VoltageLevel,
    Wiring,
)
from utilitycrm.demo import names
from utilitycrm.demo.network import LV_PER_PUBLIC_TRANSFORMER, TARIFFS, Ids, LinePlan, Network

LARGE_KVA = (315, 400, 500, 630, 800, 1000, 1250, 1600, 2000)
SMALL_KVA = (100, 125, 160, 200, 250)
PUBLIC_KVA = (200, 250, 315, 400)
# No-load and load losses of S13-type transformers, kW, by rating.
LOSSES = {
    100: (0.15, 1.58),
    125: (0.17, 1.89),
    160: (0.2, 2.31),
    200: (0.24, 2.73),
    250: (0.29, 3.2),
    315: (0.34, 3.83),
    400: (0.41, 4.52),
    500: (0.48, 5.41),
    630: (0.57, 6.2),
    800: (0.7, 7.5),
    1000: (0.83, 10.3),
    1250: (0.97, 12.0),
    1600: (1.17, 14.5),
    2000: (1.36, 18.3),
}
INDUSTRY = {
    Category.LARGE_INDUSTRY: ("C2611", "C3311", "C1713", "C3040", "C2710", "C3670"),
    Category.GENERAL_COMMERCIAL: ("F5211", "H6110", "Q8311", "P8334", "K7020"),
    Category.INDUSTRIAL_COMMERCIAL: ("C1391", "C2922", "I6450"),
    Category.AGRICULTURE: ("A0111", "A0311", "A0190"),
    Category.RESIDENTIAL: (None,),
}


@dataclass
class Batch:
    """The rows of one line's customers, in insert order."""

    tables: dict[str, list[dict]] = field(default_factory=dict)

    def add(self, table: str, row: dict) -> dict:
        self.tables.setdefault(table, []).append(row)
        return row


@dataclass
class Context:
    network: Network
    rng: random.Random
    ids: Ids
    managers: list[int]
    today: date
    sequence: int = 0
    meter_sequence: int = 0
    line_kva: dict[int, int] = field(default_factory=dict)

    def account_no(self) -> str:
        self.sequence += 1
        return f"{3100000000 + self.sequence}"

    def meter_no(self) -> str:
        self.meter_sequence += 1
        return f"3310{self.meter_sequence:016d}"


def customers_by_line(ctx: Context) -> Iterator[tuple[LinePlan, Batch]]:
    for index, plan in enumerate(ctx.network.plans):
        batch = Batch()
        public = _public_transformers(ctx, plan, batch)
        attach = iter(_cycle(plan.attach_nodes[len(public) :] or plan.attach_nodes))
        for _ in range(plan.hv_count):
            _hv_customer(ctx, plan, index, next(attach), batch)
        for number in range(plan.lv_count):
            _lv_customer(ctx, plan, public[number % len(public)], batch)
        yield plan, batch


def _cycle(items: list) -> Iterator:
    while True:
        yield from items


def _public_transformers(ctx: Context, plan: LinePlan, batch: Batch) -> list[dict]:
    count = max(1, math.ceil(plan.lv_count / LV_PER_PUBLIC_TRANSFORMER)) if plan.lv_count else 0
    rows = []
    for number in range(1, count + 1):
        kva = ctx.rng.choice(PUBLIC_KVA)
        node = plan.attach_nodes[(number - 1) % len(plan.attach_nodes)]
        rows.append(
            batch.add(
                "public_transformer",
                _transformer_row(
                    ctx,
                    f"{plan.line['code']}-G{number:03d}",
                    f"{plan.line['name']}{number}号公变",
                    kva,
                    node,
                    customer_id=None,
                    source_id=None,
                    ownership=Ownership.PUBLIC,
                ),
            )
        )
    return rows


def _transformer_row(
    ctx, code, name, kva, node, *, customer_id, source_id, ownership, state=TransformerState.RUNNING
) -> dict:
    no_load, load = LOSSES.get(kva, (round(kva * 0.0012, 3), round(kva * 0.011, 3)))
    return {
        "id": ctx.ids("transformer"),
        "code": code,
        "name": name,
        "kind": TransformerKind.TRANSFORMER.value,
        "ownership": ownership.value,
        "customer_id": customer_id,
        "model": f"S13-M-{kva}/10",
        "rated_kva": kva,
        "voltage_ratio": "10/0.4",
        "state": state.value,
        "node_id": node["id"],
        "source_id": source_id,
        "commissioned_on": date(2005, 1, 1) + timedelta(days=ctx.rng.randint(0, 7000)),
        "no_load_loss_kw": no_load,
        "load_loss_kw": load,
        "version": 1,
    }


def _customer_row(ctx, **fields) -> dict:
    row = {
        "id": ctx.ids("customer"),
        "account_no": ctx.account_no(),
        "address": None,
        "id_type": None,
        "id_number": None,
        "contact_name": None,
        "phone": None,
        "industry_code": None,
        "tariff_structure": TariffStructure.SINGLE.value,
        "basic_charge_basis": None,
        "contract_demand_kw": None,
        "is_time_of_use": False,
        "importance": Importance.NONE.value,
        "value_class": None,
        "status": CustomerStatus.ACTIVE.value,
        "account_manager_id": None,
        "supply_transformer_id": None,
        "relationship_notes": None,
        "closed_at": None,
        "version": 1,
    }
    row.update(fields)
    return row


def _tariff_code(category: Category, voltage: str, two_part: bool) -> str:
    for code, _name, tariff_category, tariff_voltage, structure, _tou in TARIFFS:
        if (
            tariff_category is category
            and tariff_voltage == voltage
            and ((structure is TariffStructure.TWO_PART) == two_part)
        ):
            return code
    raise LookupError((category, voltage, two_part))


def _source_row(
    ctx,
    customer,
    plan: LinePlan,
    kind: SourceKind,
    *,
    at: str,
    connection: Connection,
    boundary: str,
) -> dict:
    return {
        "id": ctx.ids("power_source"),
        "code": f"{customer['account_no']}-S{1 if kind is SourceKind.MAIN else 2}",
        "customer_id": customer["id"],
        "kind": kind.value,
        "substation_id": plan.substation["id"],
        "line_id": plan.line["id"],
        "line_name": plan.line["name"],
        "pole_or_bay": at,
        "connection": connection.value,
        "property_boundary": boundary,
        "has_generator": False,
        "generator_kw": None,
        "version": 1,
    }


def _hv_source(ctx, customer, plan: LinePlan, kind: SourceKind, node: dict) -> dict:
    if node["kind"] == NodeKind.RING_MAIN_UNIT.value:
        connection, boundary = Connection.CABLE, f"{node['name']}出线间隔电缆终端头"
    else:
        connection, boundary = Connection.OVERHEAD, f"{node['name']}T接跌落式熔断器负荷侧"
    return _source_row(
        ctx, customer, plan, kind, at=node["name"], connection=connection, boundary=boundary
    )


def _backup_plan(ctx: Context, index: int, importance: Importance) -> LinePlan:
    """一级: a line of another substation; 二级: another line (here: of the same one if any)."""
    plans = ctx.network.plans
    own = plans[index]
    for offset in range(1, len(plans)):
        other = plans[(index + offset) % len(plans)]
        other_station = other.substation["id"] != own.substation["id"]
        if (importance is Importance.FIRST) == other_station or (
            importance is Importance.SECOND and offset == len(plans) - 1
        ):
            return other
    return plans[(index + 1) % len(plans)]


def _hv_plan(rng: random.Random) -> tuple[Category, list[int], list[TransformerState]]:
    """Category, ratings and states of a key account's transformers."""
    roll = rng.random()
    if roll < 0.06:  # agricultural tariffs are single-part: stay below the two-part limit
        return Category.AGRICULTURE, [rng.choice(SMALL_KVA[:2])], [TransformerState.RUNNING]
    if roll < 0.55:
        category, ratings = Category.LARGE_INDUSTRY, [rng.choice(LARGE_KVA)]
    else:
        category = Category.GENERAL_COMMERCIAL
        ratings = [rng.choice(LARGE_KVA if rng.random() < 0.5 else SMALL_KVA)]
    states = [TransformerState.RUNNING]
    if ratings[0] >= 315 and rng.random() < 0.3:
        ratings.append(rng.choice(LARGE_KVA))
        states.append(TransformerState.PAUSED if rng.random() < 0.15 else TransformerState.RUNNING)
    return category, ratings, states


def _hv_customer(ctx: Context, plan: LinePlan, index: int, node: dict, batch: Batch) -> None:
    rng = ctx.rng
    area = plan.substation["name"][:-1]
    category, ratings, states = _hv_plan(rng)
    total = sum(ratings)
    running = sum(k for k, s in zip(ratings, states, strict=True) if s is TransformerState.RUNNING)
    two_part = bool(standards.two_part_rule(total))
    importance = (
        Importance.FIRST
        if rng.random() < 0.1
        else Importance.SECOND
        if rng.random() < 0.12
        else Importance.NONE
    )
    name = {
        Category.LARGE_INDUSTRY: names.company,
        Category.GENERAL_COMMERCIAL: names.commerce,
        Category.AGRICULTURE: names.farm,
    }[category](rng, area)
    demand = two_part and rng.random() < 0.4
    customer = batch.add(
        "customer",
        _customer_row(
            ctx,
            name=name,
            address=names.address(rng, area),
            id_type=IdType.CREDIT_CODE.value,
            id_number=names.credit_code(rng),
            contact_name=names.person(rng),
            phone=names.mobile(rng),
            category=category.value,
            industry_code=rng.choice(INDUSTRY[category]),
            voltage_kv=VoltageLevel.V10.value,
            contract_capacity_kva=total,
            operating_capacity_kva=running,
            tariff_code=_tariff_code(category, "10", two_part),
            tariff_structure=(
                TariffStructure.TWO_PART if two_part else TariffStructure.SINGLE
            ).value,
            basic_charge_basis=(
                None
                if not two_part
                else (BasicChargeBasis.DEMAND if demand else BasicChargeBasis.CAPACITY).value
            ),
            contract_demand_kw=round(total * 0.6) if demand else None,
            pf_standard=standards.expected_pf_standard(category.value, "10", total).value,
            is_time_of_use=category is not Category.AGRICULTURE,
            importance=importance.value,
            value_class=(
                ValueClass.A if total >= 1600 else ValueClass.B if total >= 630 else ValueClass.C
            ).value,
            account_manager_id=ctx.managers[ctx.sequence % len(ctx.managers)]
            if ctx.managers
            else None,
        ),
    )
    main = batch.add("power_source", _hv_source(ctx, customer, plan, SourceKind.MAIN, node))
    sources = [(main, plan, node)]
    if importance is not Importance.NONE:
        other = _backup_plan(ctx, index, importance)
        other_node = other.attach_nodes[ctx.sequence % len(other.attach_nodes)]
        backup = batch.add(
            "power_source", _hv_source(ctx, customer, other, SourceKind.BACKUP, other_node)
        )
        sources.append((backup, other, other_node))
    transformers = []
    for number, (kva, state) in enumerate(zip(ratings, states, strict=True), start=1):
        # A second transformer of a dual-source customer hangs on the backup line.
        source, _line_plan, source_node = sources[min(number - 1, len(sources) - 1)]
        transformers.append(
            batch.add(
                "transformer",
                _transformer_row(
                    ctx,
                    f"{customer['account_no']}-T{number}",
                    f"{number}号主变",
                    kva,
                    source_node,
                    customer_id=customer["id"],
                    source_id=source["id"],
                    ownership=Ownership.DEDICATED,
                    state=state,
                ),
            )
        )
    _hv_metering(ctx, customer, transformers, total, batch)
    _relationship_records(ctx, customer, batch)


def _hv_metering(ctx, customer, transformers, total, batch) -> None:
    method = standards.expected_metering_method("10", total)
    metering_class = standards.expected_metering_class(total)
    if method is MeteringMethod.HV_HV:
        ct = (standards.choose_ct_primary(total, 10.0), 5)
        pt, wiring, transformer, loss = (10000, 100), Wiring.THREE_PHASE_THREE_WIRE, None, False
    else:
        ct = (standards.choose_ct_primary(total, 0.4), 5)
        pt, wiring, transformer, loss = None, Wiring.THREE_PHASE_FOUR_WIRE, transformers[0], True
    point = batch.add(
        "metering_point",
        {
            "id": ctx.ids("metering_point"),
            "customer_id": customer["id"],
            "code": f"{customer['account_no']}-M1",
            "name": "总计量点",
            "method": method.value,
            "wiring": wiring.value,
            "metering_class": metering_class.value,
            "ct_primary_a": ct[0],
            "ct_secondary_a": ct[1],
            "pt_primary_v": pt[0] if pt else None,
            "pt_secondary_v": pt[1] if pt else None,
            "transformer_id": transformer["id"] if transformer else None,
            "adds_transformer_loss": loss,
            "has_voltage_loss_recorder": pt is not None,
            "version": 1,
        },
    )
    _meter(ctx, point, metering_class, standards.multiplier(ct, pt), batch)


def _meter(ctx, point, metering_class: MeteringClass, multiplier: int, batch) -> None:
    accuracy = standards.accuracy_for(metering_class)
    window = standards.rotation_years(accuracy.value) * 365
    verified = ctx.today - timedelta(days=ctx.rng.randint(30, int(window * 0.9)))
    batch.add(
        "meter",
        {
            "id": ctx.ids("meter"),
            "asset_no": ctx.meter_no(),
            "metering_point_id": point["id"],
            "model": "DTZ341" if metering_class is not MeteringClass.V else "DDZY71",
            "accuracy": accuracy.value,
            "multiplier": multiplier,
            "installed_on": verified,
            "verified_on": verified,
            "version": 1,
        },
    )


def _relationship_records(ctx, customer, batch) -> None:
    rng = ctx.rng
    batch.add(
        "contact",
        {
            "id": ctx.ids("contact"),
            "customer_id": customer["id"],
            "name": names.person(rng),
            "title": rng.choice(("电气负责人", "总经理", "设备科长", "财务负责人")),
            "phone": names.mobile(rng),
            "email": None,
            "is_primary": True,
            "version": 1,
        },
    )
    expires = ctx.today + timedelta(days=rng.choice((12, 25, 200, 800, 2500)))
    batch.add(
        "qualification_document",
        {
            "id": ctx.ids("qualification_document"),
            "customer_id": customer["id"],
            "kind": DocumentKind.BUSINESS_LICENCE.value,
            "number": customer["id_number"],
            "issued_on": expires - timedelta(days=3650),
            "expires_on": None if rng.random() < 0.3 else expires,
            "note": None,
            "version": 1,
        },
    )


def _lv_customer(ctx: Context, plan: LinePlan, public: dict, batch: Batch) -> None:
    rng = ctx.rng
    area = plan.substation["name"][:-1]
    roll = rng.random()
    if roll < 0.85:
        category, kva, name = Category.RESIDENTIAL, rng.choice((4, 8, 10)), names.person(rng)
    elif roll < 0.97:
        category, kva, name = (
            Category.GENERAL_COMMERCIAL,
            rng.choice((20, 30, 50, 80)),
            (f"{names.person(rng)}{rng.choice(('便利店', '餐馆', '诊所', '理发店', '五金店'))}"),
        )
    else:
        category, kva, name = Category.AGRICULTURE, rng.choice((15, 30)), names.farm(rng, area)
    customer = batch.add(
        "customer",
        _customer_row(
            ctx,
            name=name,
            address=names.address(rng, area),
            contact_name=None,
            phone=names.mobile(rng),
            category=category.value,
            industry_code=rng.choice(INDUSTRY[category]),
            voltage_kv=VoltageLevel.V0_4.value,
            contract_capacity_kva=kva,
            operating_capacity_kva=kva,
            tariff_code=_tariff_code(category, "0.4", False),
            pf_standard=standards.expected_pf_standard(category.value, "0.4", kva).value,
            supply_transformer_id=public["id"],
        ),
    )
    batch.add(
        "power_source",
        _source_row(
            ctx,
            customer,
            plan,
            SourceKind.MAIN,
            at=public["name"],
            connection=Connection.CABLE,
            boundary="计量箱出线开关负荷侧",
        ),
    )
    single_phase = category is Category.RESIDENTIAL
    metering_class = standards.expected_metering_class(kva, single_phase=single_phase)
    ct = (standards.choose_ct_primary(kva, 0.4), 5) if kva >= 50 else None
    point = batch.add(
        "metering_point",
        {
            "id": ctx.ids("metering_point"),
            "customer_id": customer["id"],
            "code": f"{customer['account_no']}-M1",
            "name": "",
            "method": MeteringMethod.LV_LV.value,
            "wiring": (Wiring.SINGLE_PHASE if single_phase else Wiring.THREE_PHASE_FOUR_WIRE).value,
            "metering_class": metering_class.value,
            "ct_primary_a": ct[0] if ct else None,
            "ct_secondary_a": ct[1] if ct else None,
            "pt_primary_v": None,
            "pt_secondary_v": None,
            "transformer_id": None,
            "adds_transformer_loss": False,
            "has_voltage_loss_recorder": False,
            "version": 1,
        },
    )
    _meter(ctx, point, metering_class, standards.multiplier(ct, None), batch)


def count_line_load(ctx: Context, batch: Batch) -> None:
    """Add a batch's running transformers to the load of the lines they hang on."""
    for table in ("public_transformer", "transformer"):
        for row in batch.tables.get(table, []):
            if row["state"] == TransformerState.RUNNING.value:
                line_id = ctx.network.node_line[row["node_id"]]
                ctx.line_kva[line_id] = ctx.line_kva.get(line_id, 0) + row["rated_kva"]


def line_ratings(ctx: Context) -> list[dict]:
    """Rate each line above the running kVA it feeds, in 50 A steps: a clean demo
    archive has no overloaded line."""
    rows = []
    for line in ctx.network.lines:
        current = standards.full_load_current(ctx.line_kva.get(line["id"], 0), 10.0) / 0.85
        rated = max(400, math.ceil(current / 50) * 50)
        line["rated_current_a"] = rated
        rows.append({"line_id": line["id"], "rated_current_a": rated})
    return rows
