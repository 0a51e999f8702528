"""Tiny archives built by hand for the rule tests: consistent unless a test breaks them."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date

from utilitycrm.archive import standards
from utilitycrm.archive.enums import EdgeKind, NodeKind
from utilitycrm.archive.topology import Edge
from utilitycrm.validation import facts
from utilitycrm.validation import rules as _rules  # noqa: F401 - registers the rules
from utilitycrm.validation.registry import RULES, Hit

# The rules are pure functions of a snapshot and its day: rule tests evaluate them on this
# fixed day (calendar-year rules need a known one), whatever the suite's clock says.
TODAY = date(2026, 11, 20)


class Archive:
    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self.substations, self.lines, self.nodes, self.edges = {}, {}, {}, []
        self.transformers, self.customers, self.sources = {}, [], {}
        self.points, self.meters, self.state_changes = {}, {}, {}
        self.standards = standards.DEFAULT
        self.tariffs = {
            code: facts.Tariff(code, category, voltage, structure)
            for code, category, voltage, structure in (
                ("DGY-10", "large_industry", "10", "two_part"),
                ("GSY-10", "general_commercial", "10", "single"),
                ("JM-0.4", "residential", "0.4", "single"),
                ("GSY-0.4", "general_commercial", "0.4", "single"),
            )
        }

    def id(self) -> int:
        return next(self._ids)

    # The network

    def substation(self, name: str) -> facts.Substation:
        row = facts.Substation(self.id(), name, name)
        self.substations[row.id] = row
        return row

    def line(self, substation: facts.Substation, name: str, rated_a: int = 400):
        """A line with its bus bay; returns (line, bay node)."""
        line = facts.Line(self.id(), name, name, substation.id, "10", rated_a)
        self.lines[line.id] = line
        return line, self.node(line, kind=NodeKind.BUS_BAY.value, code=f"{name}-BAY")

    def node(self, line, *, after=None, kind=NodeKind.POLE.value, code=None) -> facts.Node:
        node = facts.Node(
            self.id(), code or f"N{len(self.nodes) + 1}", kind, line.id if line else None
        )
        self.nodes[node.id] = node
        if after is not None:
            self.edge(after, node)
        return node

    def edge(self, a, b, kind=EdgeKind.SECTION.value, closed=True) -> Edge:
        edge = Edge(self.id(), f"E{a.id}-{b.id}", kind, a.id, b.id, closed)
        self.edges.append(edge)
        return edge

    # Customers

    def customer(self, **fields) -> facts.Customer:
        values = {
            "id": self.id(),
            "account_no": f"{len(self.customers) + 1:010d}",
            "name": f"客户{len(self.customers) + 1}",
            "address": "城东路1号",
            "phone": "13800000000",
            "category": "large_industry",
            "voltage_kv": "10",
            "contract_capacity_kva": 630,
            "operating_capacity_kva": 630,
            "tariff_code": "DGY-10",
            "tariff_structure": "two_part",
            "basic_charge_basis": "capacity",
            "contract_demand_kw": None,
            "pf_standard": "0.90",
            "importance": "none",
            "account_manager_id": None,
            "supply_transformer_id": None,
        }
        values.update(fields)
        row = facts.Customer(**values)
        self.customers.append(row)
        return row

    def source(self, customer, line, *, kind="main", **fields) -> facts.Source:
        number = len(self.sources.get(customer.id, [])) + 1
        values = {
            "id": self.id(),
            "code": f"{customer.account_no}-S{number}",
            "customer_id": customer.id,
            "kind": kind,
            "substation_id": line.substation_id,
            "line_id": line.id,
            "line_name": line.name,
            "property_boundary": "1号杆T接跌落式熔断器负荷侧",
        }
        values.update(fields)
        row = facts.Source(**values)
        self.sources.setdefault(customer.id, []).append(row)
        return row

    def transformer(self, customer, node, kva=630, *, source=None, state="running", **fields):
        values = {
            "id": self.id(),
            "code": f"T{len(self.transformers) + 1}",
            "kind": "transformer",
            "ownership": "dedicated" if customer else "public",
            "customer_id": customer.id if customer else None,
            "rated_kva": kva,
            "state": state,
            "node_id": node.id if node else None,
            "source_id": source.id if source else None,
        }
        values.update(fields)
        row = facts.Transformer(**values)
        self.transformers[row.id] = row
        return row

    def point(self, customer, **fields) -> facts.MeteringPoint:
        kva = customer.contract_capacity_kva
        method = standards.expected_metering_method(customer.voltage_kv, kva).value
        hv = method == "hv_hv"
        values = {
            "id": self.id(),
            "code": f"{customer.account_no}-M{len(self.points.get(customer.id, [])) + 1}",
            "customer_id": customer.id,
            "method": method,
            "wiring": "3p3w" if hv else "3p4w",
            "metering_class": standards.expected_metering_class(kva).value,
            "ct_primary_a": standards.choose_ct_primary(kva, 10.0 if hv else 0.4),
            "ct_secondary_a": 5,
            "pt_primary_v": 10000 if hv else None,
            "pt_secondary_v": 100 if hv else None,
            "transformer_id": None,
            "adds_transformer_loss": False,
        }
        values.update(fields)
        row = facts.MeteringPoint(**values)
        self.points.setdefault(customer.id, []).append(row)
        return row

    def meter(self, point, **fields) -> facts.Meter:
        values = {
            "id": self.id(),
            "asset_no": f"MA{self.id():08d}",
            "metering_point_id": point.id,
            "accuracy": "0.5S",
            "multiplier": point.expected_multiplier,
            "installed_on": date(2024, 3, 1),
            "verified_on": date(2024, 3, 1),
        }
        values.update(fields)
        row = facts.Meter(**values)
        self.meters.setdefault(point.id, []).append(row)
        return row

    def hv_customer(self, line, node, kva=630, **fields):
        """A consistent 10 kV key account on `node` of `line`: source, transformer, metering."""
        customer = self.customer(contract_capacity_kva=kva, operating_capacity_kva=kva, **fields)
        source = self.source(customer, line)
        transformer = self.transformer(customer, node, kva, source=source)
        point = self.point(customer)
        self.meter(point)
        return customer, source, transformer, point

    def replace(self, row, **changes):
        """Change a row already in the archive (rows are frozen, as the rules see them)."""
        new = dataclasses.replace(row, **changes)
        if isinstance(row, facts.Customer):
            self.customers[self.customers.index(row)] = new
        elif isinstance(row, facts.Transformer):
            self.transformers[row.id] = new
        else:
            table = {
                facts.Source: self.sources,
                facts.MeteringPoint: self.points,
                facts.Meter: self.meters,
            }[type(row)]
            rows = next(rows for rows in table.values() if row in rows)
            rows[rows.index(row)] = new
        return new

    def snapshot(self, today: date = TODAY) -> facts.Snapshot:
        network = facts.Network(
            substations=self.substations,
            lines=self.lines,
            nodes=self.nodes,
            edges=self.edges,
            transformers=self.transformers,
            tariffs=self.tariffs,
            state_changes=self.state_changes,
        )
        return facts.Snapshot(
            today=today,
            network=network,
            standards=self.standards,
            customers=self.customers,
            sources=self.sources,
            points=self.points,
            meters=self.meters,
            across=facts.Across(_namesakes(self.customers), self._meter_twins()),
        )

    def _meter_twins(self) -> dict:
        placed = [
            (meter.id, meter.asset_no, customer.account_no, point.code)
            for customer in self.customers
            for point in self.points.get(customer.id, [])
            for meter in self.meters.get(point.id, [])
        ]
        twins = {}
        for meter_id, asset_no, _account_no, _code in placed:
            others = [(a, c) for m, n, a, c in placed if n == asset_no and m != meter_id]
            if others:
                twins[meter_id] = others
        return twins


def _namesakes(customers) -> dict:
    result = {}
    for customer in customers:
        others = [
            (other.id, other.account_no)
            for other in customers
            if other.id != customer.id
            and (other.name, other.address or "", other.category)
            == (customer.name, customer.address or "", customer.category)
        ]
        if others:
            result[customer.id] = others
    return result


def hits(archive: Archive, rule_id: str, **snapshot_args) -> list[Hit]:
    return list(RULES[rule_id].check(archive.snapshot(**snapshot_args)))


def all_hits(archive: Archive) -> dict[str, list[Hit]]:
    """Every rule's hits; an empty dict means the archive is consistent."""
    snap = archive.snapshot()
    found = {rule_id: list(rule.check(snap)) for rule_id, rule in RULES.items()}
    return {rule_id: found_hits for rule_id, found_hits in found.items() if found_hits}


def refs(hit: Hit) -> list[tuple[str, int]]:
    return [(ref.type, ref.id) for ref in hit.objects]


def one_line_archive():
    """A substation, line L1 with two poles, and a consistent 630 kVA customer on pole 2."""
    archive = Archive()
    station = archive.substation("城东站")
    line, bay = archive.line(station, "城东一线")
    pole1 = archive.node(line, after=bay)
    pole2 = archive.node(line, after=pole1)
    customer, source, transformer, point = archive.hv_customer(line, pole2)
    return archive, station, line, pole2, customer, source, transformer, point
