"""The network and the customers' connections as IEC CIM (CIM/XML, RDF), for a GIS or a
distribution-management system to read what the archive says.

Written with lxml, streamed element by element (a province's archive does not fit in
memory as a tree), in the CIM16 namespace (IEC 61970-301 for the network, IEC 61968-9 for
UsagePoint). `PROFILE` is the subset of the published classes and properties the export
uses, with each property's class and each reference's target, so that `check` can hold a
document to it: every object of a profile class, every property its class (or a
superclass) has, every reference resolving to an object of the class it must name.

Each object's mRID is a UUID derived from its table and id: exporting again gives the same
identifiers, so a receiving system updates its objects instead of duplicating them.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from lxml import etree
from sqlalchemy import or_, select

from utilitycrm.archive.enums import EdgeKind, Ownership
from utilitycrm.archive.models import (
    Customer,
    FeederLine,
    NetworkEdge,
    NetworkNode,
    Substation,
    Transformer,
)
from utilitycrm.core.extensions import db

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
CIM = "http://iec.ch/TC57/2013/CIM-schema-cim16#"
NAMESPACES = {"rdf": RDF, "cim": CIM}
_ID = uuid.UUID("6f1c3a52-7d0e-4b8a-9a51-2c4d7b1e0f00")  # the namespace of this archive's mRIDs
CHUNK = 5000

# class → (superclass, {property: target class for a reference, or None for a value}).
PROFILE: dict[str, tuple[str | None, dict[str, str | None]]] = {
    "IdentifiedObject": (None, {"IdentifiedObject.mRID": None, "IdentifiedObject.name": None}),
    "PowerSystemResource": ("IdentifiedObject", {}),
    "ConnectivityNodeContainer": ("PowerSystemResource", {}),
    "EquipmentContainer": ("ConnectivityNodeContainer", {}),
    "Substation": ("EquipmentContainer", {}),
    "Feeder": ("EquipmentContainer", {"Feeder.NormalEnergizingSubstation": "Substation"}),
    "Equipment": ("PowerSystemResource", {"Equipment.EquipmentContainer": "EquipmentContainer"}),
    "ConductingEquipment": ("Equipment", {}),
    "Conductor": ("ConductingEquipment", {"Conductor.length": None}),
    "ACLineSegment": ("Conductor", {}),
    "Switch": ("ConductingEquipment", {"Switch.normalOpen": None}),
    "PowerTransformer": ("ConductingEquipment", {}),
    "EnergyConsumer": ("ConductingEquipment", {}),
    "ConnectivityNode": (
        "IdentifiedObject",
        {"ConnectivityNode.ConnectivityNodeContainer": "ConnectivityNodeContainer"},
    ),
    "ACDCTerminal": ("IdentifiedObject", {"ACDCTerminal.sequenceNumber": None}),
    "Terminal": (
        "ACDCTerminal",
        {
            "Terminal.ConductingEquipment": "ConductingEquipment",
            "Terminal.ConnectivityNode": "ConnectivityNode",
        },
    ),
    "TransformerEnd": (
        "IdentifiedObject",
        {"TransformerEnd.endNumber": None, "TransformerEnd.Terminal": "Terminal"},
    ),
    "PowerTransformerEnd": (
        "TransformerEnd",
        {
            "PowerTransformerEnd.PowerTransformer": "PowerTransformer",
            "PowerTransformerEnd.ratedS": None,
            "PowerTransformerEnd.ratedU": None,
        },
    ),
    "UsagePoint": ("IdentifiedObject", {"UsagePoint.Equipments": "Equipment"}),
}
ABSTRACT = {"IdentifiedObject", "PowerSystemResource", "ConnectivityNodeContainer",
            "EquipmentContainer", "Equipment", "ConductingEquipment", "Conductor",
            "ACDCTerminal", "TransformerEnd"}  # fmt: skip


def mrid(table: str, record_id: int | str) -> str:
    return str(uuid.uuid5(_ID, f"{table}:{record_id}"))


class _Writer:
    """One CIM/XML document streamed to a file: objects as rdf:Description-like elements."""

    def __init__(self, xf) -> None:
        self.xf = xf
        self.counts: Counter[str] = Counter()

    def object(self, cls: str, key: str, name: str | None, **properties) -> str:
        """Write one object; `properties` are (property, value) where a value starting
        with '#' is a reference. Returns the object's rdf:ID."""
        ident = f"_{key}"
        xf = self.xf
        with xf.element(f"{{{CIM}}}{cls}", {f"{{{RDF}}}ID": ident}):
            values = {"IdentifiedObject.mRID": key, "IdentifiedObject.name": name}
            values.update((prop.replace("__", "."), value) for prop, value in properties.items())
            for prop, value in values.items():
                if value is None or value == "":
                    continue
                if isinstance(value, str) and value.startswith("#"):
                    with xf.element(f"{{{CIM}}}{prop}", {f"{{{RDF}}}resource": value}):
                        pass
                else:
                    with xf.element(f"{{{CIM}}}{prop}"):
                        xf.write(str(value).lower() if isinstance(value, bool) else str(value))
        xf.write("\n")
        self.counts[cls] += 1
        return ident

    def terminal(self, equipment_key: str, node_ref: str, number: int) -> str:
        key = mrid("terminal", f"{equipment_key}:{number}")
        return self.object(
            "Terminal", key, None, ACDCTerminal__sequenceNumber=number,
            Terminal__ConductingEquipment=f"#_{equipment_key}", Terminal__ConnectivityNode=node_ref,
        )  # fmt: skip


@dataclass(frozen=True)
class Selection:
    """What an export covers: every line, or some."""

    line_ids: tuple[int, ...] | None = None

    def lines(self):
        query = select(FeederLine).order_by(FeederLine.id)
        return query if self.line_ids is None else query.where(FeederLine.id.in_(self.line_ids))


def _chunked(query) -> Iterator:
    yield from db.session.execute(query.execution_options(yield_per=CHUNK))


def export(out: IO[bytes] | Path, selection: Selection = Selection()) -> Counter[str]:
    """Write the selection as CIM/XML; the count of objects of each class written."""
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{RDF}}}RDF", nsmap=NAMESPACES):
            writer = _Writer(xf)
            _write(writer, selection)
    return writer.counts


def _write(w: _Writer, selection: Selection) -> None:
    lines = list(db.session.scalars(selection.lines()))
    line_ids = [line.id for line in lines]
    stations = db.session.scalars(
        select(Substation).where(Substation.id.in_({line.substation_id for line in lines}))
    )
    for station in stations:
        w.object("Substation", mrid("substation", station.id), station.name)
    for line in lines:
        w.object("Feeder", mrid("feeder_line", line.id), line.name,
                 Feeder__NormalEnergizingSubstation=f"#_{mrid('substation', line.substation_id)}")  # fmt: skip
    in_lines = NetworkNode.line_id.in_(line_ids)
    node_ids = set()
    for node_id, code, line_id in _chunked(
        select(NetworkNode.id, NetworkNode.code, NetworkNode.line_id).where(in_lines)
    ):
        node_ids.add(node_id)
        w.object("ConnectivityNode", mrid("network_node", node_id), code,
                 ConnectivityNode__ConnectivityNodeContainer=f"#_{mrid('feeder_line', line_id)}")  # fmt: skip
    # An edge whose far end lies outside the selection (a tie to another line) is written
    # with the terminal it has inside, so a partial export stays self-contained.
    for edge in _chunked(
        select(NetworkEdge.id, NetworkEdge.code, NetworkEdge.kind, NetworkEdge.line_id,
               NetworkEdge.from_node_id, NetworkEdge.to_node_id, NetworkEdge.is_closed,
               NetworkEdge.length_m)
        .where(or_(NetworkEdge.line_id.in_(line_ids),
                   NetworkEdge.from_node_id.in_(select(NetworkNode.id).where(in_lines)),
                   NetworkEdge.to_node_id.in_(select(NetworkNode.id).where(in_lines))))
        .order_by(NetworkEdge.id)
    ):  # fmt: skip
        _edge(w, edge, node_ids, set(line_ids))
    _transformers_and_customers(w, in_lines)


def _edge(w: _Writer, edge, node_ids: set[int], line_ids: set[int]) -> None:
    key = mrid("network_edge", edge.id)
    inside = edge.line_id in line_ids  # a tie of a line left out has no container here
    container = f"#_{mrid('feeder_line', edge.line_id)}" if inside else None
    if edge.kind == EdgeKind.SECTION.value:
        w.object("ACLineSegment", key, edge.code, Equipment__EquipmentContainer=container,
                 Conductor__length=edge.length_m)  # fmt: skip
    else:
        w.object("Switch", key, edge.code, Equipment__EquipmentContainer=container,
                 Switch__normalOpen=not edge.is_closed)  # fmt: skip
    for number, node_id in ((1, edge.from_node_id), (2, edge.to_node_id)):
        if node_id in node_ids:
            w.terminal(key, f"#_{mrid('network_node', node_id)}", number)


def _transformers_and_customers(w: _Writer, in_lines) -> None:
    placed = (
        select(Transformer.id, Transformer.code, Transformer.ownership, Transformer.customer_id,
               Transformer.rated_kva, Transformer.node_id, NetworkNode.line_id)
        .join(NetworkNode, NetworkNode.id == Transformer.node_id)
        .where(in_lines)
        .order_by(Transformer.id)
    )  # fmt: skip
    consumers: dict[int, str] = {}  # customer id → its EnergyConsumer
    areas: list[int] = []
    for t in _chunked(placed):
        key, container = mrid("transformer", t.id), f"#_{mrid('feeder_line', t.line_id)}"
        w.object("PowerTransformer", key, t.code, Equipment__EquipmentContainer=container)
        low = mrid("transformer_lv", t.id)  # the low-voltage side's node
        w.object("ConnectivityNode", low, f"{t.code}-LV",
                 ConnectivityNode__ConnectivityNodeContainer=container)  # fmt: skip
        for number, node in ((1, f"#_{mrid('network_node', t.node_id)}"), (2, f"#_{low}")):
            terminal = w.terminal(key, node, number)
            w.object("PowerTransformerEnd", mrid("transformer_end", f"{t.id}:{number}"), None,
                     TransformerEnd__endNumber=number, TransformerEnd__Terminal=f"#{terminal}",
                     PowerTransformerEnd__PowerTransformer=f"#_{key}",
                     PowerTransformerEnd__ratedS=t.rated_kva / 1000 if number == 1 else None)  # fmt: skip
        # A dedicated transformer's customer, or the 台区's low-voltage load as one consumer.
        consumer_key = mrid("consumer", t.customer_id if t.customer_id else f"area:{t.id}")
        if t.customer_id is not None and t.customer_id in consumers:
            continue  # the customer's consumer hangs on its first transformer already
        w.object("EnergyConsumer", consumer_key, None, Equipment__EquipmentContainer=container)
        w.terminal(consumer_key, f"#_{low}", 1)
        if t.ownership == Ownership.PUBLIC.value:
            areas.append(t.id)
        elif t.customer_id is not None:
            consumers[t.customer_id] = consumer_key
    _usage_points(w, consumers, areas)


def _usage_points(w: _Writer, consumers: dict[int, str], areas: list[int]) -> None:
    for chunk in _chunks(sorted(consumers)):
        for customer_id, account_no in db.session.execute(
            select(Customer.id, Customer.account_no).where(Customer.id.in_(chunk))
        ):
            w.object("UsagePoint", mrid("usage_point", customer_id), account_no,
                     UsagePoint__Equipments=f"#_{consumers[customer_id]}")  # fmt: skip
    for chunk in _chunks(areas):
        for customer_id, account_no, transformer_id in _chunked(
            select(Customer.id, Customer.account_no, Customer.supply_transformer_id)
            .where(Customer.supply_transformer_id.in_(chunk))
            .order_by(Customer.id)
        ):  # fmt: skip
            w.object("UsagePoint", mrid("usage_point", customer_id), account_no,
                     UsagePoint__Equipments=f"#_{mrid('consumer', f'area:{transformer_id}')}")  # fmt: skip


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# -- reading back and checking against the profile --------------------------------------


def _properties_of(cls: str) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    while cls is not None:
        parent, props = PROFILE[cls]
        found.update(props)
        cls = parent
    return found


def _is_a(cls: str, wanted: str) -> bool:
    while cls is not None:
        if cls == wanted:
            return True
        cls = PROFILE[cls][0]
    return False


def check(source: IO[bytes] | Path | str) -> tuple[Counter[str], list[str]]:
    """Read a CIM/XML document back: the count of objects of each class, and every way
    it breaks the profile (an unknown class or property, a reference to nothing or to an
    object of the wrong class, an object without its mRID)."""
    counts: Counter[str] = Counter()
    problems: list[str] = []
    classes: dict[str, str] = {}
    references: list[tuple[str, str, str, str]] = []  # object, property, target id, range
    for _event, element in etree.iterparse(source, events=("end",)):
        if element.getparent() is None or element.getparent().getparent() is not None:
            continue  # the root, or a property (handled with its object)
        ident, cls = element.get(f"{{{RDF}}}ID"), etree.QName(element).localname
        if etree.QName(element).namespace != CIM or cls not in PROFILE or cls in ABSTRACT:
            problems.append(f"{ident}: {etree.QName(element).text} is no class of the profile")
            element.clear()
            continue
        counts[cls] += 1
        classes[ident] = cls
        allowed = _properties_of(cls)
        seen = set()
        for prop in element:
            name = etree.QName(prop).localname
            seen.add(name)
            if name not in allowed:
                problems.append(f"{ident}: {cls} has no property {name}")
            elif (target := prop.get(f"{{{RDF}}}resource")) is not None:
                if allowed[name] is None:
                    problems.append(f"{ident}: {name} is a value, not a reference")
                else:
                    references.append((ident, name, target.lstrip("#"), allowed[name]))
            elif allowed[name] is not None:
                problems.append(f"{ident}: {name} must name an object")
        if "IdentifiedObject.mRID" not in seen:
            problems.append(f"{ident}: {cls} without its mRID")
        element.clear()
    for ident, name, target, wanted in references:
        if target not in classes:
            problems.append(f"{ident}: {name} names {target}, which the document lacks")
        elif not _is_a(classes[target], wanted):
            problems.append(f"{ident}: {name} names a {classes[target]}, not a {wanted}")
    return counts, problems
