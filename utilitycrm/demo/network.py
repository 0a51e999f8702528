"""The demo utility's network: tariffs, substations, 10 kV lines with their poles,
branches, ring main units and tie switches, numbered before they are written."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from utilitycrm.archive.enums import (
    Category,
    Connection,
    EdgeKind,
    NodeKind,
    TariffStructure,
)
from utilitycrm.demo import names

CUSTOMERS_PER_LINE = 1200
HV_PER_LINE = 8
LV_PER_PUBLIC_TRANSFORMER = 120
LINES_PER_SUBSTATION = 8

TARIFFS = (
    (
        "JM-0.4",
        "居民生活用电 不满1千伏",
        Category.RESIDENTIAL,
        "0.4",
        TariffStructure.SINGLE,
        False,
    ),
    (
        "GSY-0.4",
        "一般工商业 不满1千伏",
        Category.GENERAL_COMMERCIAL,
        "0.4",
        TariffStructure.SINGLE,
        True,
    ),
    (
        "GSY-10",
        "一般工商业 1-10千伏 单一制",
        Category.GENERAL_COMMERCIAL,
        "10",
        TariffStructure.SINGLE,
        True,
    ),
    (
        "GSY-10-2",
        "一般工商业 1-10千伏 两部制",
        Category.GENERAL_COMMERCIAL,
        "10",
        TariffStructure.TWO_PART,
        True,
    ),
    ("DGY-10", "大工业 1-10千伏", Category.LARGE_INDUSTRY, "10", TariffStructure.TWO_PART, True),
    ("DGY-35", "大工业 35千伏", Category.LARGE_INDUSTRY, "35", TariffStructure.TWO_PART, True),
    ("NY-0.4", "农业生产 不满1千伏", Category.AGRICULTURE, "0.4", TariffStructure.SINGLE, False),
    ("NY-10", "农业生产 1-10千伏", Category.AGRICULTURE, "10", TariffStructure.SINGLE, False),
)


class Ids:
    """Id counters per table: rows are numbered before they are written."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def __call__(self, table: str) -> int:
        value = self._next.get(table, 1)
        self._next[table] = value + 1
        return value


@dataclass
class LinePlan:
    line: dict
    substation: dict
    attach_nodes: list[dict]  # where transformers may hang, in order
    rmu: dict
    hv_count: int
    lv_count: int


@dataclass
class Network:
    tariffs: list[dict]
    substations: list[dict]
    lines: list[dict]
    nodes: list[dict]
    edges: list[dict]
    plans: list[LinePlan]
    node_line: dict[int, int]  # node id → the id of the line it belongs to


def build_network(customers: int, rng: random.Random, ids: Ids) -> Network:
    line_count = max(8, round(customers / CUSTOMERS_PER_LINE))
    station_count = max(2, math.ceil(line_count / LINES_PER_SUBSTATION))
    tariffs = [
        {
            "id": ids("tariff"),
            "code": code,
            "name": name,
            "category": category.value,
            "voltage_kv": voltage,
            "structure": structure.value,
            "is_time_of_use": tou,
            "version": 1,
        }
        for code, name, category, voltage, structure, tou in TARIFFS
    ]
    substations = [
        {
            "id": ids("substation"),
            "code": f"BD{index + 1:03d}",
            "name": f"{names.place(index)}变",
            "voltage_kv": "110",
            "version": 1,
        }
        for index in range(station_count)
    ]
    hv_total = min(customers, line_count * HV_PER_LINE)
    lv_total = customers - hv_total
    lines, nodes, edges, plans = [], [], [], []
    per_station: dict[int, int] = {}
    for index in range(line_count):
        station = substations[index % station_count]
        number = per_station[station["id"]] = per_station.get(station["id"], 0) + 1
        line = {
            "id": ids("feeder_line"),
            "code": f"L{index + 1:04d}",
            "name": f"{station['name'][:-1]}{names.chinese_number(number)}线",
            "substation_id": station["id"],
            "voltage_kv": "10",
            "rated_current_a": 400,
            "version": 1,
        }
        lines.append(line)
        hv = hv_total // line_count + (1 if index < hv_total % line_count else 0)
        lv = lv_total // line_count + (1 if index < lv_total % line_count else 0)
        plans.append(_line_topology(line, station, hv, lv, nodes, edges, ids))
    # Normally-open tie switches join each line's end to the next line's.
    for plan, other in zip(plans, plans[1:] + plans[:1], strict=True):
        edges.append(
            {
                "id": ids("network_edge"),
                "code": f"{plan.line['code']}-TIE",
                "kind": EdgeKind.TIE_SWITCH.value,
                "line_id": plan.line["id"],
                "from_node_id": plan.attach_nodes[-1]["id"],
                "to_node_id": other.attach_nodes[-1]["id"],
                "is_closed": False,
                "conductor": None,
                "length_m": None,
                "version": 1,
            }
        )
    node_line = {node["id"]: node["line_id"] for node in nodes}
    return Network(tariffs, substations, lines, nodes, edges, plans, node_line)


def _line_topology(line, station, hv, lv, nodes, edges, ids) -> LinePlan:
    """Bay → trunk of poles → branches behind switches, and a ring main unit."""
    code = line["code"]
    attachments = hv + math.ceil(lv / LV_PER_PUBLIC_TRANSFORMER)
    trunk_length = max(4, math.ceil(attachments / 3))

    def node(suffix, kind, name):
        row = {
            "id": ids("network_node"),
            "code": f"{code}-{suffix}",
            "name": name,
            "kind": kind.value,
            "line_id": line["id"],
            "version": 1,
        }
        nodes.append(row)
        return row

    def edge(suffix, kind, a, b, conductor=Connection.OVERHEAD, length=None):
        edges.append(
            {
                "id": ids("network_edge"),
                "code": f"{code}-{suffix}",
                "kind": kind.value,
                "line_id": line["id"],
                "from_node_id": a["id"],
                "to_node_id": b["id"],
                "is_closed": True,
                "conductor": conductor.value if conductor else None,
                "length_m": length,
                "version": 1,
            }
        )

    bay = node("BAY", NodeKind.BUS_BAY, f"{station['name']}{line['name']}间隔")
    previous, attach = bay, []
    for number in range(1, trunk_length + 1):
        pole = node(f"P{number:03d}", NodeKind.POLE, f"{line['name']}{number}号杆")
        edge(f"S{number:03d}", EdgeKind.SECTION, previous, pole, length=80 + number * 3)
        attach.append(pole)
        if number % 4 == 0:
            branch_start = node(
                f"B{number:03d}-1", NodeKind.POLE, f"{line['name']}{number}号杆支1号杆"
            )
            edge(f"K{number:03d}", EdgeKind.SWITCH, pole, branch_start, conductor=None)
            branch_end = node(
                f"B{number:03d}-2", NodeKind.POLE, f"{line['name']}{number}号杆支2号杆"
            )
            edge(f"S{number:03d}-B", EdgeKind.SECTION, branch_start, branch_end, length=60)
            attach.extend((branch_start, branch_end))
        previous = pole
    rmu = node("RMU1", NodeKind.RING_MAIN_UNIT, f"{line['name']}1号环网柜")
    edge("S-RMU1", EdgeKind.SECTION, attach[1], rmu, conductor=Connection.CABLE, length=120)
    # The last trunk pole stays last: tie switches start there.
    attach.insert(len(attach) - 1, rmu)
    attach.append(attach.pop(attach.index(previous)))
    return LinePlan(line, station, attach, rmu, hv, lv)
