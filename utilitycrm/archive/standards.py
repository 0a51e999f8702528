"""What the archive's fields should be, by the utility's standards (domain.md §2).

Pure functions of their inputs and of `Standards`, the business limits an administrator
can change (read as dated sets through archive.thresholds; these are the defaults).
The demo data is generated with them, and the validation rules check against them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from utilitycrm.archive.enums import (
    Category,
    MeterAccuracy,
    MeteringClass,
    MeteringMethod,
    PowerFactorStandard,
    TransformerState,
    VoltageLevel,
)

# Standard CT primary ratings, A.
CT_PRIMARY_SERIES = (
    5,
    10,
    15,
    20,
    30,
    40,
    50,
    75,
    100,
    150,
    200,
    300,
    400,
    500,
    600,
    750,
    800,
    1000,
    1200,
    1500,
    2000,
    2500,
    3000,
    4000,
    5000,
)
PT_RATIOS = {"10": (10000, 100), "20": (20000, 100), "35": (35000, 100), "110": (110000, 100)}


@dataclass(frozen=True)
class Standards:
    """The thresholds of domain.md §2–3; the field names are the configuration's keys."""

    single_part_max_kva: int = 100
    two_part_min_kva: int = 315
    pf_090_min_kva: int = 160  # HV industrial users above this
    pf_085_min_kva: int = 100
    pf_080_min_kva: int = 100
    hv_metering_min_kva: int = 315
    ct_band_min: float = 0.30  # full-load current as a share of the CT's rated primary
    ct_band_max: float = 1.20
    rotation_years_precise: int = 6  # 0.2S and 0.5S meters
    rotation_years_other: int = 8
    class_i_min_kva: int = 10_000
    class_ii_min_kva: int = 2_000
    class_iii_min_kva: int = 315
    pause_max_months: int = 6  # 暂停 in one calendar year
    special_min_sources: int = 3  # 特级: from different substations
    first_min_sources: int = 2  # 一级: from two substations
    second_min_sources: int = 2  # 二级: on different lines
    contract_notice_days: int = 90  # a supply contract's renewal is due this long before it ends
    # 业扩: applications, stages and the supply plan (domain.md §4).
    notice_workdays: int = 5  # a change takes effect at least this many working days on
    pause_min_days: int = 15  # one 暂停 lasts at least this long
    restore_within_days: int = 730  # a 减容 restored within two years
    deadline_warn_share: float = 0.8  # a clock warns once this share of its limit is used
    supply_plan_valid_months_hv: int = 12
    supply_plan_valid_months_lv: int = 3
    supply_plan_warn_days: int = 30
    return_visit_workdays: int = 5  # 回访 after 归档, within (domain.md §4)
    follow_up_workdays: int = 5  # a dissatisfied customer's follow-up, within
    contract_term_years_hv: int = 5
    contract_term_years_lv: int = 5
    # Key accounts: value classes (A/B/C), visits, complaints, documents.
    value_weight_consumption: float = 0.4
    value_weight_revenue: float = 0.4
    value_weight_growth: float = 0.2
    value_share_a: float = 0.2  # the top share of key accounts in class A
    value_share_b: float = 0.3  # the next share in class B; the rest are C
    visit_months_a: int = 1
    visit_months_b: int = 3
    visit_months_c: int = 6
    visit_warn_days: int = 7
    complaint_contact_hours: int = 24
    complaint_resolve_workdays: int = 4
    complaint_report_workdays: int = 9
    document_warn_days: int = 30
    # Line loss (线损, domain.md §3): a month's loss rate as a share of the energy supplied.
    loss_negative_share: float = 0.01  # negative at or below −1%
    loss_high_share_area: float = 0.06  # a 台区's loss is high from 6%
    loss_high_share_line: float = 0.10  # a 10 kV line's from 10%
    # Open capacity (可开放容量): the share of its rating a line may carry.
    line_load_share_radial: float = 1.0
    line_load_share_tied: float = 0.5  # a line in a tie pair carries its partner's load (N-1)
    coincidence_factor: float = 0.6  # 同时率: the peak of running kVA, without head readings
    peak_power_factor: float = 0.9  # a head meter's peak kW as kVA

    @property
    def pause_max_days(self) -> int:
        """暂停 per calendar year at most: the months as days of a 365-day year, a half
        day counted whole (six months: 183 days)."""
        return math.floor(self.pause_max_months * 365 / 12 + 0.5)

    @property
    def value_weights(self) -> dict[str, float]:
        return {
            "consumption": self.value_weight_consumption,
            "revenue": self.value_weight_revenue,
            "growth": self.value_weight_growth,
        }

    @property
    def value_shares(self) -> dict[str, float]:
        return {"A": self.value_share_a, "B": self.value_share_b}

    def visit_months(self, value_class: str) -> int:
        return getattr(self, f"visit_months_{value_class.lower()}")


DEFAULT = Standards()
INDUSTRIAL = {Category.LARGE_INDUSTRY.value, Category.INDUSTRIAL_COMMERCIAL.value}


def line_rating_kva(voltage_kv: float, rated_current_a: int) -> int:
    """A line's thermal rating: S = √3 · U · I."""
    return round(math.sqrt(3) * voltage_kv * rated_current_a)


def full_load_current(kva: float, voltage_kv: float) -> float:
    """I = S / (√3 · U)."""
    return kva / (math.sqrt(3) * voltage_kv)


def operating_capacity(transformers) -> int:
    """运行容量: transformers and HV motors in service; paused and sealed ones excluded."""
    return sum(t.rated_kva for t in transformers if t.state == TransformerState.RUNNING.value)


def contract_capacity(transformers) -> int:
    """合同容量: the nameplates of everything not removed."""
    return sum(t.rated_kva for t in transformers if t.state != TransformerState.REMOVED.value)


def expected_pf_standard(
    category: str, voltage_kv: str, kva: int, s: Standards = DEFAULT
) -> PowerFactorStandard:
    is_hv = VoltageLevel(voltage_kv).is_high_voltage
    if category in INDUSTRIAL and is_hv and kva > s.pf_090_min_kva:
        return PowerFactorStandard.PF_090
    if category == Category.AGRICULTURE.value:
        return PowerFactorStandard.PF_080 if kva >= s.pf_080_min_kva else PowerFactorStandard.NONE
    if category != Category.RESIDENTIAL.value and kva >= s.pf_085_min_kva:
        return PowerFactorStandard.PF_085
    return PowerFactorStandard.NONE


def two_part_rule(kva: int, s: Standards = DEFAULT) -> bool | None:
    """True: two-part required; False: single-part required; None: the customer chooses."""
    if kva <= s.single_part_max_kva:
        return False
    if kva >= s.two_part_min_kva:
        return True
    return None


def expected_metering_method(voltage_kv: str, kva: int, s: Standards = DEFAULT) -> MeteringMethod:
    if not VoltageLevel(voltage_kv).is_high_voltage:
        return MeteringMethod.LV_LV
    return MeteringMethod.HV_HV if kva >= s.hv_metering_min_kva else MeteringMethod.HV_LV


def expected_metering_class(
    kva: int, *, single_phase: bool = False, s: Standards = DEFAULT
) -> MeteringClass:
    if single_phase:
        return MeteringClass.V
    if kva >= s.class_i_min_kva:
        return MeteringClass.I
    if kva >= s.class_ii_min_kva:
        return MeteringClass.II
    if kva >= s.class_iii_min_kva:
        return MeteringClass.III
    return MeteringClass.IV


def accuracy_for(metering_class: MeteringClass) -> MeterAccuracy:
    return {
        MeteringClass.I: MeterAccuracy.C02S,
        MeteringClass.II: MeterAccuracy.C02S,
        MeteringClass.III: MeterAccuracy.C05S,
        MeteringClass.IV: MeterAccuracy.C1,
        MeteringClass.V: MeterAccuracy.C2,
    }[metering_class]


PRECISE_METERS = frozenset({MeterAccuracy.C02S.value, MeterAccuracy.C05S.value})


def rotation_years(accuracy: str, s: Standards = DEFAULT) -> int:
    return s.rotation_years_precise if accuracy in PRECISE_METERS else s.rotation_years_other


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def rotation_due(
    verified_on: date | None, installed_on: date | None, accuracy: str, s: Standards = DEFAULT
) -> date | None:
    """The date a meter must be replaced or re-verified by; None without any date."""
    last = verified_on or installed_on
    return years_after(last, rotation_years(accuracy, s)) if last else None


def ct_loading(kva: float, metering_voltage_kv: float, ct_primary_a: int) -> float:
    """Full-load current as a share of the CT's rated primary."""
    return full_load_current(kva, metering_voltage_kv) / ct_primary_a


def choose_ct_primary(kva: float, metering_voltage_kv: float) -> int:
    """The smallest standard primary that carries full load without exceeding it."""
    current = full_load_current(kva, metering_voltage_kv)
    return next((p for p in CT_PRIMARY_SERIES if p >= current), CT_PRIMARY_SERIES[-1])


def multiplier(ct: tuple[int, int] | None, pt: tuple[int, int] | None) -> int:
    """综合倍率 = CT ratio × PT ratio (1 without a PT)."""
    ct_ratio = ct[0] / ct[1] if ct else 1
    pt_ratio = pt[0] / pt[1] if pt else 1
    return round(ct_ratio * pt_ratio)
