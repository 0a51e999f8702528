"""Tariff: category, tariff code, two-part tariff and power-factor standard agree."""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import lazy_gettext as _l

from utilitycrm.archive import standards
from utilitycrm.archive.enums import BasicChargeBasis, Category, MeteringMethod, TariffStructure
from utilitycrm.validation.facts import Snapshot
from utilitycrm.validation.registry import Family, Hit, Severity, rule
from utilitycrm.validation.rules import refs

FAMILY = Family.TARIFF
# 工商业 tariffs merge the two older categories: each fits the other.
_MERGED = {
    Category.INDUSTRIAL_COMMERCIAL.value,
    Category.GENERAL_COMMERCIAL.value,
    Category.LARGE_INDUSTRY.value,
}


def categories_agree(customer_category: str, tariff_category: str) -> bool:
    if customer_category == tariff_category:
        return True
    pair = {customer_category, tariff_category}
    return Category.INDUSTRIAL_COMMERCIAL.value in pair and pair <= _MERGED


@rule(
    "tariff.code_mismatch",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("Category or voltage inconsistent with the tariff code"),
    messages={
        "category": _l(
            "Tariff %(tariff)s is for %(tariff_category)s; the customer's category is %(category)s."
        ),
        "voltage": _l(
            "Tariff %(tariff)s is for %(tariff_voltage)s; the customer is supplied at %(voltage)s."
        ),
        "structure": _l(
            "Tariff %(tariff)s is %(expected_structure)s; the customer is recorded as "
            "%(structure)s."
        ),
        "missing": _l("The customer has no tariff code (电价代码)."),
    },
    why=_l(
        "The tariff code sets the price: it must be the code of the customer's category, voltage and tariff structure."
    ),
)
def code_mismatch(snap: Snapshot) -> Iterator[Hit]:
    for customer in snap.customers:
        ref = (refs.customer(customer),)
        tariff = snap.network.tariffs.get(customer.tariff_code)
        if tariff is None:
            yield Hit(ref, customer.id, key="missing")
            continue
        checks = (
            (
                "category",
                categories_agree(customer.category, tariff.category),
                {"tariff_category": tariff.category, "category": customer.category},
            ),
            (
                "voltage",
                tariff.voltage_kv == customer.voltage_kv,
                {"tariff_voltage": tariff.voltage_kv, "voltage": customer.voltage_kv},
            ),
            (
                "structure",
                tariff.structure == customer.tariff_structure,
                {"expected_structure": tariff.structure, "structure": customer.tariff_structure},
            ),
        )
        for key, agrees, params in checks:
            if not agrees:
                yield Hit(ref, customer.id, key=key, params={"tariff": tariff.code, **params})


@rule(
    "tariff.two_part",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("Two-part tariff threshold violated"),
    messages={
        "required": _l(
            "At %(kva)s kVA the two-part tariff (两部制) is required from %(threshold)s kVA; the "
            "customer is billed single-part."
        ),
        "forbidden": _l(
            "At %(kva)s kVA (not above %(threshold)s kVA) the tariff is single-part; the "
            "customer is billed two-part."
        ),
        "basis": _l("A two-part customer needs a basic-charge basis (by capacity or by demand)."),
        "demand": _l("The basic charge is by demand (按需量) but no contract demand is recorded."),
    },
    why=_l(
        "≤100 kVA single-part, ≥315 kVA two-part, between the customer chooses; a two-part bill needs its basis, and a demand basis its contract demand."
    ),
)
def two_part(snap: Snapshot) -> Iterator[Hit]:
    s = snap.standards
    for customer in snap.customers:
        ref = (refs.customer(customer),)
        kva = customer.contract_capacity_kva
        is_two_part = customer.tariff_structure == TariffStructure.TWO_PART.value
        required = standards.two_part_rule(kva, s)
        if required is True and not is_two_part:
            yield Hit(
                ref,
                customer.id,
                key="required",
                params={"kva": kva, "threshold": s.two_part_min_kva},
            )
        elif required is False and is_two_part:
            yield Hit(
                ref,
                customer.id,
                key="forbidden",
                params={"kva": kva, "threshold": s.single_part_max_kva},
            )
        if is_two_part and customer.basic_charge_basis is None:
            yield Hit(ref, customer.id, key="basis")
        if (
            customer.basic_charge_basis == BasicChargeBasis.DEMAND.value
            and not customer.contract_demand_kw
        ):
            yield Hit(ref, customer.id, key="demand")


@rule(
    "tariff.power_factor",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("Power-factor standard inconsistent with category and capacity"),
    messages={
        "default": _l(
            "The power-factor standard is %(pf)s; a %(category)s customer of %(kva)s kVA at "
            "%(voltage)s is assessed against %(expected_pf)s."
        ),
    },
    why=_l(
        "The power-factor adjustment (力调电费) follows the standard; a wrong one over- or under-charges every month."
    ),
)
def power_factor(snap: Snapshot) -> Iterator[Hit]:
    for customer in snap.customers:
        expected = standards.expected_pf_standard(
            customer.category, customer.voltage_kv, customer.contract_capacity_kva, snap.standards
        )
        if customer.pf_standard != expected.value:
            yield Hit(
                (refs.customer(customer),),
                customer.id,
                params={
                    "pf": customer.pf_standard,
                    "expected_pf": expected.value,
                    "category": customer.category,
                    "kva": customer.contract_capacity_kva,
                    "voltage": customer.voltage_kv,
                },
            )


@rule(
    "tariff.transformer_loss",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("高供低计 without transformer loss"),
    messages={
        "default": _l(
            "Metering point %(point)s meters on the low-voltage side (高供低计) but adds no "
            "transformer loss (变损), or names no transformer: the loss goes unbilled."
        ),
    },
    why=_l("Metering below the customer's transformer misses its losses, which are billed on top."),
)
def transformer_loss(snap: Snapshot) -> Iterator[Hit]:
    for customer, point in snap.customer_points():
        if point.method == MeteringMethod.HV_LV.value and not (
            point.adds_transformer_loss and point.transformer_id
        ):
            yield Hit(
                (refs.point(point), refs.customer(customer)),
                customer.id,
                params={"point": point.code},
            )
