"""What a contract says, taken from the archive: the data it is printed from, the terms
that make it stale when the archive moves on, and what must exist before one is made.

`contract_data` is the only place a contract reads the archive; the templates print its
dict and nothing else, and signing freezes the same dict as JSON. Codes stay codes in the
data (labels are a matter of the language printed in), so the frozen data compares with
the archive's whatever language either was shown in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from utilitycrm.archive import standards
from utilitycrm.archive.enums import (
    Category,
    MeteringMethod,
    PowerFactorStandard,
    SourceKind,
    TariffStructure,
    TransformerState,
)
from utilitycrm.archive.models import (
    Customer,
    FeederLine,
    MeteringPoint,
    PowerSource,
    Substation,
)
from utilitycrm.core.extensions import db
from utilitycrm.core.labels import label

# Planned equipment of a project at its contract stage has no archive code yet.
PLANNED = "planned"


def _source(source) -> dict:
    substation = source.substation.name if source.substation else None
    line = source.line
    return {
        "code": getattr(source, "code", None) or PLANNED,
        "kind": source.kind,
        "substation": substation or (line.substation.name if line and line.substation else ""),
        "line": line.name if line else (getattr(source, "line_name", None) or ""),
        "voltage_kv": line.voltage_kv if line else None,
        "pole_or_bay": source.pole_or_bay or "",
        "connection": getattr(source, "connection", None) or "",
        "property_boundary": source.property_boundary or "",
    }


def _transformer(transformer) -> dict:
    return {
        "code": transformer.code or PLANNED,
        "name": transformer.name or "",
        "kind": getattr(transformer, "kind", "transformer"),
        "model": transformer.model or "",
        "rated_kva": transformer.rated_kva,
        "voltage_ratio": getattr(transformer, "voltage_ratio", None) or "",
        "state": getattr(transformer, "state", TransformerState.RUNNING.value),
    }


def _metering(point: MeteringPoint) -> dict:
    return {
        "code": point.code,
        "name": point.name or "",
        "method": point.method,
        "wiring": point.wiring,
        "metering_class": point.metering_class,
        "ct_ratio": point.ct_ratio or "",
        "pt_ratio": point.pt_ratio or "",
        "multiplier": point.expected_multiplier,
        "adds_transformer_loss": point.adds_transformer_loss,
        "meters": [
            {
                "asset_no": m.asset_no,
                "model": m.model or "",
                "accuracy": m.accuracy,
                "multiplier": m.multiplier,
            }
            for m in point.meters
        ],
    }


def _planned_metering(project) -> dict:
    """The metering a new connection or increase will install, as its project records it."""
    point = project.planned_metering_point(code=PLANNED)
    data = _metering(point)
    data["meters"] = (
        [{"asset_no": project.meter_asset_no, "model": "", "accuracy": project.meter_accuracy,
          "multiplier": point.expected_multiplier}]
        if project.meter_asset_no else []
    )  # fmt: skip
    return data


def contract_data(customer: Customer, *, project=None) -> dict:
    """Everything a contract prints, from the archive. With a new connection's or an
    increase's project, what it will connect is included (its contract is signed before
    connection, while the archive does not hold that equipment yet)."""
    sources = [_source(s) for s in customer.sources]
    transformers = [
        _transformer(t) for t in customer.transformers if t.state != TransformerState.REMOVED
    ]
    metering = [_metering(p) for p in customer.metering_points]
    contract_kva = customer.contract_capacity_kva
    if project is not None and project.is_active and project.records_metering:
        sources += [_source(s) for s in project.sources]
        added = [t for t in project.transformers if t.action == "add"]
        transformers += [_transformer(t) for t in added]
        contract_kva += sum(t.rated_kva for t in added)
        if project.metering_method:
            metering.append(_planned_metering(project))
    tariff = customer.tariff
    return {
        "supplier": dict(current_app.config["CONTRACT_SUPPLIER"]),
        "customer": {
            "account_no": customer.account_no,
            "name": customer.name,
            "address": customer.address or "",
            "id_type": customer.id_type or "",
            "id_number": customer.id_number or "",
            "contact_name": customer.contact_name or "",
            "phone": customer.phone or "",
            "category": customer.category,
            "industry_code": customer.industry_code or "",
            "voltage_kv": customer.voltage_kv,
            "importance": customer.importance,
        },
        "capacity": {
            "contract_kva": contract_kva,
            "contract_demand_kw": customer.contract_demand_kw,
        },
        "sources": sources,
        "transformers": transformers,
        "metering": metering,
        "tariff": {
            "code": customer.tariff_code or "",
            "name": tariff.name if tariff else "",
            "structure": customer.tariff_structure,
            "basic_charge_basis": customer.basic_charge_basis or "",
            "is_time_of_use": customer.is_time_of_use,
            "pf_standard": customer.pf_standard,
        },
        "project": project.number if project is not None else None,
    }


def load_customers(ids: Iterable[int]) -> dict[int, Customer]:
    """Customers with everything `contract_data` reads, a fixed number of queries."""
    statement = (
        select(Customer)
        .where(Customer.id.in_(list(ids)))
        .options(
            selectinload(Customer.sources).selectinload(PowerSource.line),
            selectinload(Customer.sources).selectinload(PowerSource.substation),
            selectinload(Customer.transformers),
            selectinload(Customer.metering_points).selectinload(MeteringPoint.meters),
            selectinload(Customer.tariff),
        )
    )
    return {c.id: c for c in db.session.scalars(statement)}


# -- staleness ---------------------------------------------------------------------------

# The terms whose change makes a signed contract stale, with how they are named.
TERM_LABELS = {
    "lines": _l("Supply lines"),
    "boundary": _l("Property boundary (产权分界点)"),
    "capacity": _l("Capacity"),
    "category": _l("Category of use (用电类别)"),
    "metering": _l("Metering"),
    "tariff": _l("Tariff"),
}


def terms(data: dict) -> dict[str, list]:
    """The tracked terms of contract data, each a sorted list of plain values, so that
    order and equipment codes (planned equipment is numbered at completion) do not count.
    Meter asset numbers are left out: rotation replaces meters without changing terms."""
    tariff = data["tariff"]
    return {
        "lines": sorted(
            [s["kind"], s["substation"], s["line"], s["pole_or_bay"]] for s in data["sources"]
        ),
        "boundary": sorted(s["property_boundary"] for s in data["sources"]),
        "capacity": [
            data["capacity"]["contract_kva"],
            *sorted(t["rated_kva"] for t in data["transformers"]),
        ],
        "category": [data["customer"]["category"]],
        "metering": sorted(
            [
                m[key]
                for key in (
                    "method",
                    "wiring",
                    "metering_class",
                    "ct_ratio",
                    "pt_ratio",
                    "multiplier",
                )
            ]
            for m in data["metering"]
        ),
        "tariff": [
            *(tariff[key] for key in ("code", "structure", "basic_charge_basis")),
            data["capacity"]["contract_demand_kw"],
            tariff["is_time_of_use"],
            tariff["pf_standard"],
        ],
    }


@dataclass(frozen=True)
class Change:
    """A tracked term the archive no longer agrees with."""

    key: str
    was: str
    now: str

    @property
    def label(self) -> str:
        return str(TERM_LABELS[self.key])


def describe(key: str, value: list) -> str:
    """A term as people read it, with labels in the current language."""
    if key == "lines":
        return "; ".join(
            " ".join(filter(None, [label(kind, SourceKind), substation, line, pole]))
            for kind, substation, line, pole in value
        )
    if key == "boundary":
        return "; ".join(value)
    if key == "capacity":
        contract_kva, *ratings = value
        if not ratings:  # as a paper contract states it
            return f"{contract_kva} kVA"
        return f"{contract_kva} kVA ({' + '.join(str(r) for r in ratings)})"
    if key == "category":
        return label(value[0], Category)
    if key == "metering":
        return "; ".join(
            " ".join(
                filter(None, [label(method, MeteringMethod), wiring, cls, ct and f"CT {ct}",
                              pt and f"PT {pt}", f"×{multiplier}"])
            )
            for method, wiring, cls, ct, pt, multiplier in value
        )  # fmt: skip
    code, structure, basis, demand, tou, pf = value  # None: not stated on the paper
    parts = [code, structure and label(structure, TariffStructure), basis,
             demand and f"{demand} kW", "TOU" if tou else "",
             pf and label(pf, PowerFactorStandard)]  # fmt: skip
    return " ".join(str(p) for p in parts if p)


def differences(frozen: dict, current: dict) -> list[Change]:
    """The tracked terms that differ between two sets of terms, in TERM_LABELS order."""
    return [
        Change(key, describe(key, frozen[key]), describe(key, current[key]))
        for key in TERM_LABELS
        if frozen.get(key) != current.get(key)
    ]


# -- contracts signed on paper -----------------------------------------------------------

# The sources a paper contract names: its main and backup supply.
PAPER_SOURCES = (SourceKind.MAIN.value, SourceKind.BACKUP.value)
BOUNDARY_SEPARATORS = re.compile(r"[;；]")


@dataclass(frozen=True)
class PaperTerms:
    """What a contract signed on paper states. A term left empty (the paper is silent, or
    nobody typed it in yet) is not compared."""

    kva: int | None = None
    demand_kw: int | None = None
    lines: tuple[tuple[str, str, str], ...] = ()  # (source kind, substation, line name)
    tariff_code: str | None = None
    boundary: str | None = None

    @property
    def stated(self) -> bool:
        return any((self.kva, self.demand_kw, self.lines, self.tariff_code, self.boundary))


def paper_terms(contracts: Iterable) -> dict[int, PaperTerms]:
    """Contract id → what its paper states, for contracts or rows with the paper columns;
    the lines they name are read in one query."""
    contracts = list(contracts)
    line_ids = {i for c in contracts for i in (c.paper_line_id, c.paper_backup_line_id) if i}
    lines = {
        row.id: (row.substation or "", row.name)
        for row in db.session.execute(
            select(FeederLine.id, FeederLine.name, Substation.name.label("substation"))
            .outerjoin(Substation, FeederLine.substation_id == Substation.id)
            .where(FeederLine.id.in_(line_ids))
        )
    } if line_ids else {}  # fmt: skip
    result = {}
    for c in contracts:
        named = ((SourceKind.MAIN.value, c.paper_line_id),
                 (SourceKind.BACKUP.value, c.paper_backup_line_id))  # fmt: skip
        result[c.id] = PaperTerms(
            kva=c.paper_kva,
            demand_kw=c.paper_demand_kw,
            lines=tuple((kind, *lines[i]) for kind, i in named if i in lines),
            tariff_code=c.paper_tariff_code or None,
            boundary=(c.paper_boundary or "").strip() or None,
        )
    return result


def _paper_cut(paper: PaperTerms, current: dict[str, list]) -> tuple[dict, dict]:
    """The paper's terms and the archive's, both cut to what the paper states, in the
    shape of `terms` (None where the paper is silent)."""
    said: dict[str, list] = {}
    now: dict[str, list] = {}
    if paper.lines:
        said["lines"] = sorted([kind, sub, line, ""] for kind, sub, line in paper.lines)
        now["lines"] = sorted([kind, sub, line, ""] for kind, sub, line, _pole
                              in current["lines"] if kind in PAPER_SOURCES)  # fmt: skip
    if paper.boundary:
        parts = (part.strip() for part in BOUNDARY_SEPARATORS.split(paper.boundary))
        said["boundary"] = sorted(part for part in parts if part)
        now["boundary"] = sorted(b for b in current["boundary"] if b)
    if paper.kva:
        said["capacity"], now["capacity"] = [paper.kva], current["capacity"][:1]
    if paper.tariff_code or paper.demand_kw:
        code, _structure, _basis, demand, _tou, _pf = current["tariff"]
        said["tariff"] = [paper.tariff_code, None, None, paper.demand_kw, None, None]
        now["tariff"] = [code if paper.tariff_code else None, None, None,
                         demand if paper.demand_kw else None, None, None]  # fmt: skip
    return said, now


def compared(
    frozen_data: dict | None, paper: PaperTerms | None, current: dict[str, list]
) -> tuple[dict, dict] | None:
    """A signed contract's terms beside the archive's, for `differences`: every tracked
    term of a contract signed here, or those a paper contract states; None when a paper
    contract states none."""
    if frozen_data is not None:
        return terms(frozen_data), current
    if paper is not None and paper.stated:
        return _paper_cut(paper, current)
    return None


# -- preconditions -----------------------------------------------------------------------


def missing(data: dict) -> list[str]:
    """What the archive lacks for a contract (domain.md §5), every item at once."""
    reasons = []
    if not data["sources"]:
        reasons.append(_l("a power source (供电电源)"))
    elif not all(s["property_boundary"].strip() for s in data["sources"]):
        reasons.append(_l("the property boundary (产权分界点) of every power source"))
    if not any(s["line"] for s in data["sources"]):
        reasons.append(_l("the supply line of the power source"))
    if not data["metering"]:
        reasons.append(_l("a metering point (计量点)"))
    if not data["tariff"]["code"]:
        reasons.append(_l("a tariff (电价代码)"))
    customer = data["customer"]
    expected = standards.expected_pf_standard(
        customer["category"], customer["voltage_kv"], data["capacity"]["contract_kva"]
    )
    if (
        expected is not PowerFactorStandard.NONE
        and data["tariff"]["pf_standard"] == PowerFactorStandard.NONE.value
    ):
        reasons.append(
            _l("the power-factor standard (功率因数考核标准, %(pf)s applies)", pf=expected.value)
        )
    if data["capacity"]["contract_kva"] <= 0 and not data["transformers"]:
        reasons.append(_l("the contract capacity and the transformers"))
    return [str(r) for r in reasons]
