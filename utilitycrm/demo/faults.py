"""Realistic archive errors injected into the demo data, one rule family after another.

Each fault breaks one thing the validation rules of its family check (domain.md §3) and
is recorded (kind, family, the object broken) so tests can check that it is found.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from utilitycrm.archive.enums import (
    MeteringClass,
    MeteringMethod,
    NodeKind,
    PowerFactorStandard,
    SourceKind,
    TariffStructure,
    VoltageLevel,
)
from utilitycrm.demo.generator import Batch, Context


@dataclass
class CustomerRows:
    """A key account's rows in its batch, by table."""

    customer: dict
    sources: list[dict]
    transformers: list[dict]
    points: list[dict]
    meters: list[dict]

    @property
    def main(self) -> dict:
        return next(s for s in self.sources if s["kind"] == SourceKind.MAIN.value)


def _fault(kind, family, rows: CustomerRows, table: str, record: dict, detail: str = "") -> dict:
    return {
        "kind": kind,
        "family": family,
        "customer_id": rows.customer["id"],
        "object_type": table,
        "object_id": record["id"],
        "detail": detail[:300],
    }


# Each injector returns the fault record, or None when it does not apply to this customer.
Injector = Callable[[Context, Batch, CustomerRows], dict | None]


def missing_phone(ctx, batch, rows):
    rows.customer["phone"] = None
    return _fault("missing_phone", "completeness", rows, "customer", rows.customer)


def missing_boundary(ctx, batch, rows):
    rows.main["property_boundary"] = None
    return _fault("missing_boundary", "completeness", rows, "power_source", rows.main)


def missing_meter(ctx, batch, rows):
    for meter in rows.meters:
        batch.tables["meter"].remove(meter)
    return _fault("missing_meter", "completeness", rows, "metering_point", rows.points[0])


def duplicate_customer(ctx, batch, rows):
    twin = {**rows.customer, "id": ctx.ids("customer"), "account_no": ctx.account_no()}
    batch.tables["customer"].append(twin)
    return _fault(
        "duplicate_customer",
        "identity",
        rows,
        "customer",
        twin,
        f"same name, address and category as {rows.customer['account_no']}",
    )


def duplicate_meter(ctx, batch, rows):
    """A meter recorded under another customer's meter number: a typo at entry, or a
    meter swapped in the field and never in the archive."""
    other = next((m for m in batch.tables["meter"] if m not in rows.meters), None)
    if not rows.meters or other is None:
        return None
    mine = rows.meters[0]
    mine["asset_no"] = other["asset_no"]
    return _fault("duplicate_meter", "identity", rows, "meter", mine,
                  f"asset number {other['asset_no']} of another customer's meter")  # fmt: skip


def _other_line(ctx: Context, line_id: int, *, same_substation: bool) -> dict | None:
    own = next(line for line in ctx.network.lines if line["id"] == line_id)
    for line in ctx.network.lines:
        if (
            line["id"] != line_id
            and (line["substation_id"] == own["substation_id"]) == same_substation
        ):
            return line
    return None


def wrong_line(ctx, batch, rows):
    other = _other_line(ctx, rows.main["line_id"], same_substation=True)
    if other is None:
        return None
    rows.main.update(line_id=other["id"], line_name=other["name"])
    return _fault(
        "wrong_line", "topology", rows, "power_source", rows.main, f"recorded {other['name']}"
    )


def line_name_format(ctx, batch, rows):
    rows.main.update(line_id=None, line_name=f"10kV{rows.main['line_name']}")
    return _fault(
        "line_name_format", "topology", rows, "power_source", rows.main, rows.main["line_name"]
    )


def source_substation_mismatch(ctx, batch, rows):
    other = next(
        (s for s in ctx.network.substations if s["id"] != rows.main["substation_id"]), None
    )
    if other is None:
        return None
    rows.main["substation_id"] = other["id"]
    return _fault("source_substation_mismatch", "topology", rows, "power_source", rows.main)


def backup_same_line(ctx, batch, rows):
    backup = next((s for s in rows.sources if s["kind"] == SourceKind.BACKUP.value), None)
    if backup is None:
        return None
    backup.update(
        line_id=rows.main["line_id"],
        line_name=rows.main["line_name"],
        substation_id=rows.main["substation_id"],
    )
    for transformer in rows.transformers:
        if transformer["source_id"] == backup["id"]:
            transformer["node_id"] = next(
                t["node_id"] for t in rows.transformers if t["source_id"] == rows.main["id"]
            )
    return _fault("backup_same_line", "topology", rows, "power_source", backup)


def orphan_transformer(ctx, batch, rows):
    transformer = rows.transformers[0]
    node = {
        "id": ctx.ids("network_node"),
        "code": f"ORPHAN-{transformer['code']}",
        "name": "未接入节点",
        "kind": NodeKind.POLE.value,
        "line_id": ctx.network.node_line[transformer["node_id"]],
        "version": 1,
    }
    batch.tables.setdefault("network_node", []).append(node)
    ctx.network.node_line[node["id"]] = node["line_id"]
    transformer["node_id"] = node["id"]
    return _fault("orphan_transformer", "topology", rows, "transformer", transformer)


def operating_mismatch(ctx, batch, rows):
    rows.customer["operating_capacity_kva"] -= 50
    rows.customer["operating_capacity_kva"] = max(rows.customer["operating_capacity_kva"], 1)
    return _fault("operating_mismatch", "capacity", rows, "customer", rows.customer)


def operating_above_contract(ctx, batch, rows):
    rows.customer["contract_capacity_kva"] = max(1, rows.customer["operating_capacity_kva"] - 100)
    return _fault("operating_above_contract", "capacity", rows, "customer", rows.customer)


def category_tariff_mismatch(ctx, batch, rows):
    rows.customer["tariff_code"] = "JM-0.4"
    return _fault("category_tariff_mismatch", "tariff", rows, "customer", rows.customer)


def two_part_violation(ctx, batch, rows):
    if rows.customer["tariff_structure"] != TariffStructure.TWO_PART.value:
        return None
    rows.customer.update(
        tariff_structure=TariffStructure.SINGLE.value,
        basic_charge_basis=None,
        contract_demand_kw=None,
    )
    return _fault("two_part_violation", "tariff", rows, "customer", rows.customer)


def pf_standard_wrong(ctx, batch, rows):
    current = rows.customer["pf_standard"]
    wrong = (
        PowerFactorStandard.NONE
        if current != PowerFactorStandard.NONE.value
        else (PowerFactorStandard.PF_090)
    )
    rows.customer["pf_standard"] = wrong.value
    return _fault("pf_standard_wrong", "tariff", rows, "customer", rows.customer)


def hv_lv_without_loss(ctx, batch, rows):
    point = rows.points[0]
    if point["method"] != MeteringMethod.HV_LV.value:
        return None
    point["adds_transformer_loss"] = False
    return _fault("hv_lv_without_loss", "tariff", rows, "metering_point", point)


def method_mismatch(ctx, batch, rows):
    point = rows.points[0]
    point["method"] = MeteringMethod.LV_LV.value
    return _fault("method_mismatch", "metering", rows, "metering_point", point)


def hv_hv_without_pt(ctx, batch, rows):
    point = rows.points[0]
    if point["method"] != MeteringMethod.HV_HV.value:
        return None
    point.update(pt_primary_v=None, pt_secondary_v=None)
    return _fault("hv_hv_without_pt", "metering", rows, "metering_point", point)


def ct_out_of_band(ctx, batch, rows):
    point = rows.points[0]
    point["ct_primary_a"] *= 5
    for meter in rows.meters:
        meter["multiplier"] *= 5  # the multiplier follows the (wrong) CT: only the band is off
    return _fault("ct_out_of_band", "metering", rows, "metering_point", point)


def multiplier_mismatch(ctx, batch, rows):
    meter = rows.meters[0]
    meter["multiplier"] *= 2
    return _fault("multiplier_mismatch", "metering", rows, "meter", meter)


def meter_overdue(ctx, batch, rows):
    meter = rows.meters[0]
    meter["verified_on"] = ctx.today - timedelta(days=365 * 9)
    meter["installed_on"] = meter["verified_on"]
    return _fault("meter_overdue", "metering", rows, "meter", meter)


def metering_class_wrong(ctx, batch, rows):
    point = rows.points[0]
    point["metering_class"] = MeteringClass.V.value
    return _fault("metering_class_wrong", "metering", rows, "metering_point", point)


CUSTOMER_FAULTS: tuple[Injector, ...] = (
    missing_phone,
    wrong_line,
    operating_mismatch,
    category_tariff_mismatch,
    method_mismatch,
    missing_boundary,
    line_name_format,
    operating_above_contract,
    two_part_violation,
    hv_hv_without_pt,
    duplicate_customer,
    source_substation_mismatch,
    pf_standard_wrong,
    ct_out_of_band,
    missing_meter,
    backup_same_line,
    hv_lv_without_loss,
    multiplier_mismatch,
    orphan_transformer,
    meter_overdue,
    metering_class_wrong,
    duplicate_meter,
)


def _key_accounts(batch: Batch) -> list[CustomerRows]:
    by_customer: dict[str, dict[int, list[dict]]] = {
        table: defaultdict(list) for table in ("power_source", "transformer", "metering_point")
    }
    for table, index in by_customer.items():
        for row in batch.tables.get(table, []):
            index[row["customer_id"]].append(row)
    meters = defaultdict(list)
    for meter in batch.tables.get("meter", []):
        meters[meter["metering_point_id"]].append(meter)
    return [
        CustomerRows(
            customer,
            by_customer["power_source"][customer["id"]],
            by_customer["transformer"][customer["id"]],
            by_customer["metering_point"][customer["id"]],
            [m for p in by_customer["metering_point"][customer["id"]] for m in meters[p["id"]]],
        )
        for customer in batch.tables["customer"]
        if customer["voltage_kv"] != VoltageLevel.V0_4.value
    ]


class FaultInjector:
    """Breaks a share of the key accounts, cycling through the fault kinds so that a large
    enough archive has every kind."""

    def __init__(self, ctx: Context, rate: float) -> None:
        self.ctx = ctx
        self.rate = rate
        self.turn = 0
        self.records: list[dict] = []

    def inject(self, batch: Batch) -> None:
        if self.rate <= 0:
            return
        for rows in _key_accounts(batch):
            if self.ctx.rng.random() >= self.rate:
                continue
            for attempt in range(len(CUSTOMER_FAULTS)):
                injector = CUSTOMER_FAULTS[(self.turn + attempt) % len(CUSTOMER_FAULTS)]
                record = injector(self.ctx, batch, rows)
                if record is not None:
                    self.records.append(record)
                    self.turn += attempt + 1
                    break

    def network_faults(self) -> tuple[list[str], list[dict], list[dict]]:
        """Closed tie switches (two feeders) and overloaded lines: tie codes to close,
        line ratings to lower, and the fault records."""
        if self.rate <= 0:
            return [], [], []
        lines = self.ctx.network.lines
        chosen = [line for line in lines if self.ctx.rng.random() < self.rate] or lines[:2]
        ties, ratings, records = [], [], []
        for number, line in enumerate(chosen):
            if number % 2 == 0:
                ties.append(f"{line['code']}-TIE")
                records.append(
                    {
                        "kind": "closed_tie",
                        "family": "topology",
                        "customer_id": None,
                        "object_type": "feeder_line",
                        "object_id": line["id"],
                        "detail": f"{line['code']}-TIE closed",
                    }
                )
            else:
                ratings.append({"line_id": line["id"], "rated_current_a": 50})
                records.append(
                    {
                        "kind": "line_overload",
                        "family": "topology",
                        "customer_id": None,
                        "object_type": "feeder_line",
                        "object_id": line["id"],
                        "detail": "rated 50 A",
                    }
                )
        return ties, ratings, records
