"""Metering: method, PT, CT band, multiplier, meter rotation and metering class."""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import lazy_gettext as _l

from utilitycrm.archive import standards
from utilitycrm.archive.enums import MeteringMethod, VoltageLevel, Wiring
from utilitycrm.validation import facts
from utilitycrm.validation.facts import Snapshot
from utilitycrm.validation.registry import Family, Hit, Severity, rule
from utilitycrm.validation.rules import refs

FAMILY = Family.METERING


def _point_hit(customer, point, key="default", **params) -> Hit:
    return Hit(
        (refs.point(point), refs.customer(customer)),
        customer.id,
        key=key,
        params={"point": point.code, **params},
    )


@rule(
    "metering.method",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("Metering method inconsistent with voltage and capacity"),
    messages={
        "default": _l(
            "Metering point %(point)s is %(method)s; a customer supplied at %(voltage)s with "
            "%(kva)s kVA is metered %(expected_method)s."
        ),
    },
    why=_l(
        "High-voltage customers of 315 kVA and above are metered on the HV side, smaller ones below their transformer; low-voltage customers on the low-voltage side."
    ),
)
def method(snap: Snapshot) -> Iterator[Hit]:
    for customer, point in snap.customer_points():
        expected = standards.expected_metering_method(
            customer.voltage_kv, customer.contract_capacity_kva, snap.standards
        )
        if point.method != expected.value:
            yield _point_hit(
                customer,
                point,
                method=point.method,
                expected_method=expected.value,
                voltage=customer.voltage_kv,
                kva=customer.contract_capacity_kva,
            )


@rule(
    "metering.hv_without_pt",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("高供高计 without PT"),
    messages={
        "default": _l(
            "Metering point %(point)s meters on the high-voltage side (高供高计) but has no "
            "PT ratio: a meter cannot measure 10 kV directly."
        ),
    },
    why=_l(
        "High-side metering needs a voltage transformer (PT); without one the multiplier is off by the PT ratio."
    ),
)
def hv_without_pt(snap: Snapshot) -> Iterator[Hit]:
    for customer, point in snap.customer_points():
        if point.method == MeteringMethod.HV_HV.value and not point.has_pt:
            yield _point_hit(customer, point)


def metering_voltage_kv(customer: facts.Customer, point: facts.MeteringPoint) -> float:
    if point.method == MeteringMethod.HV_HV.value:
        return float(customer.voltage_kv)
    return float(VoltageLevel.V0_4.value)


@rule(
    "metering.ct_band",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("CT ratio outside the band"),
    messages={
        "default": _l(
            "Metering point %(point)s has CT %(ct)s: full load of %(kva)s kVA is %(current)s A, "
            "%(percent)s%% of the CT's rated primary; it should be %(low)s%%–%(high)s%%, e.g. "
            "CT %(suggested)s/%(secondary)s."
        ),
    },
    why=_l(
        "An oversized CT under-reads light load; an undersized one saturates (by default full load between 30 and 120 percent of the rated primary)."
    ),
)
def ct_band(snap: Snapshot) -> Iterator[Hit]:
    s = snap.standards
    for customer, point in snap.customer_points():
        if not point.ct_primary_a or customer.contract_capacity_kva <= 0:
            continue
        voltage = metering_voltage_kv(customer, point)
        loading = standards.ct_loading(customer.contract_capacity_kva, voltage, point.ct_primary_a)
        if not s.ct_band_min <= loading <= s.ct_band_max:
            yield _point_hit(
                customer,
                point,
                ct=f"{point.ct_primary_a}/{point.ct_secondary_a}",
                kva=customer.contract_capacity_kva,
                current=round(
                    standards.full_load_current(customer.contract_capacity_kva, voltage), 1
                ),
                percent=round(loading * 100),
                low=round(s.ct_band_min * 100),
                high=round(s.ct_band_max * 100),
                suggested=standards.choose_ct_primary(customer.contract_capacity_kva, voltage),
                secondary=point.ct_secondary_a,
            )


@rule(
    "metering.multiplier",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("Multiplier is not CT × PT"),
    messages={
        "default": _l(
            "Meter %(meter)s has multiplier %(recorded)s; CT × PT of metering point %(point)s "
            "gives %(expected)s. Every reading is billed with the wrong factor."
        ),
    },
    why=_l("综合倍率 = CT ratio × PT ratio (1 without a PT); a wrong one scales every bill."),
)
def multiplier(snap: Snapshot) -> Iterator[Hit]:
    for customer, point in snap.customer_points():
        for meter in snap.meters.get(point.id, ()):
            if meter.multiplier != point.expected_multiplier:
                yield Hit(
                    (refs.meter(meter), refs.point(point), refs.customer(customer)),
                    customer.id,
                    params={
                        "meter": meter.asset_no,
                        "point": point.code,
                        "recorded": meter.multiplier,
                        "expected": point.expected_multiplier,
                    },
                )


@rule(
    "metering.rotation",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("Meter overdue for rotation"),
    messages={
        "default": _l(
            "Meter %(meter)s (class %(accuracy)s) was last verified on %(last)s; it was due for "
            "rotation by %(due)s (every %(years)s years)."
        ),
    },
    why=_l(
        "Meters are rotated on schedule (default 0.2S/0.5S within 6 years, class 1/2 within 8)."
    ),
)
def rotation(snap: Snapshot) -> Iterator[Hit]:
    for customer, point in snap.customer_points():
        for meter in snap.meters.get(point.id, ()):
            years = standards.rotation_years(meter.accuracy, snap.standards)
            due = standards.rotation_due(
                meter.verified_on, meter.installed_on, meter.accuracy, snap.standards
            )
            if due is not None and due < snap.today:
                yield Hit(
                    (refs.meter(meter), refs.point(point), refs.customer(customer)),
                    customer.id,
                    params={
                        "meter": meter.asset_no,
                        "accuracy": meter.accuracy,
                        "last": (meter.verified_on or meter.installed_on).isoformat(),
                        "due": due.isoformat(),
                        "years": years,
                    },
                )


@rule(
    "metering.class",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("Metering class wrong for the capacity"),
    messages={
        "default": _l(
            "Metering point %(point)s is class %(metering_class)s; %(kva)s kVA needs class "
            "%(expected_class)s."
        ),
    },
    why=_l(
        "The class sets the accuracy of meters and transformers: ≥10,000 kVA I, ≥2,000 II, ≥315 III, below IV, single-phase V."
    ),
)
def metering_class(snap: Snapshot) -> Iterator[Hit]:
    for customer, point in snap.customer_points():
        expected = standards.expected_metering_class(
            customer.contract_capacity_kva,
            single_phase=point.wiring == Wiring.SINGLE_PHASE.value,
            s=snap.standards,
        )
        if point.metering_class != expected.value:
            yield _point_hit(
                customer,
                point,
                metering_class=point.metering_class,
                expected_class=expected.value,
                kva=customer.contract_capacity_kva,
            )
