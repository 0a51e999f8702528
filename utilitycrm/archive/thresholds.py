"""The one dated home of the utility's business limits: `standards_on(day)` gives the
`Standards` in effect on a day. Validation, projects, contracts and accounts all read
their numbers here, so an administrator's new set changes every side at once."""

from __future__ import annotations

import dataclasses
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from utilitycrm.archive.models import ThresholdSet
from utilitycrm.archive.standards import DEFAULT, Standards
from utilitycrm.auth.models import User
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db

# Each limit as the thresholds page names it.
STANDARD_LABELS = {
    "single_part_max_kva": _l("Single-part tariff up to (kVA)"),
    "two_part_min_kva": _l("Two-part tariff from (kVA)"),
    "pf_090_min_kva": _l("Power factor 0.90: HV industrial above (kVA)"),
    "pf_085_min_kva": _l("Power factor 0.85: other users from (kVA)"),
    "pf_080_min_kva": _l("Power factor 0.80: agricultural users from (kVA)"),
    "hv_metering_min_kva": _l("High-side metering (高供高计) from (kVA)"),
    "ct_band_min": _l("CT band: lowest full-load share of the rated primary"),
    "ct_band_max": _l("CT band: highest full-load share of the rated primary"),
    "rotation_years_precise": _l("Rotation of 0.2S/0.5S meters (years)"),
    "rotation_years_other": _l("Rotation of class 1/2 meters (years)"),
    "class_i_min_kva": _l("Metering class I from (kVA)"),
    "class_ii_min_kva": _l("Metering class II from (kVA)"),
    "class_iii_min_kva": _l("Metering class III from (kVA)"),
    "pause_max_months": _l("Pause (暂停) per calendar year at most (months)"),
    "special_min_sources": _l("特级 customers: sources from different substations"),
    "first_min_sources": _l("一级 customers: sources from different substations"),
    "second_min_sources": _l("二级 customers: sources on different lines"),
    "contract_notice_days": _l("Supply contracts: renewal reminder before the end (days)"),
    "notice_workdays": _l("A change of use takes effect at least this many working days on"),
    "pause_min_days": _l("One pause (暂停) lasts at least (days)"),
    "restore_within_days": _l("A capacity reduction (减容) is restored within (days)"),
    "deadline_warn_share": _l("Clocks: due soon once this share of the limit is used"),
    "supply_plan_valid_months_hv": _l("Supply plan valid, high voltage (months)"),
    "supply_plan_valid_months_lv": _l("Supply plan valid, low voltage (months)"),
    "supply_plan_warn_days": _l("Supply plan: reminder before it lapses (days)"),
    "return_visit_workdays": _l("Return visit (回访) after archiving, within (working days)"),
    "follow_up_workdays": _l("A dissatisfied customer is followed up within (working days)"),
    "contract_term_years_hv": _l("Supply contract term, high voltage (years)"),
    "contract_term_years_lv": _l("Supply contract term, low voltage (years)"),
    "value_weight_consumption": _l("Value class: weight of consumption"),
    "value_weight_revenue": _l("Value class: weight of revenue"),
    "value_weight_growth": _l("Value class: weight of growth"),
    "value_share_a": _l("Value class A: share of key accounts"),
    "value_share_b": _l("Value class B: share of key accounts"),
    "visit_months_a": _l("Visits to class A customers every (months)"),
    "visit_months_b": _l("Visits to class B customers every (months)"),
    "visit_months_c": _l("Visits to class C customers every (months)"),
    "visit_warn_days": _l("Visits: reminder before due (days)"),
    "complaint_contact_hours": _l("Complaints: contact the customer within (hours)"),
    "complaint_resolve_workdays": _l("Complaints: resolve within (working days)"),
    "complaint_report_workdays": _l("Reports (举报): resolve within (working days)"),
    "document_warn_days": _l("Qualification documents: reminder before expiry (days)"),
    "loss_negative_share": _l("Line loss: negative at or below minus this share"),
    "loss_high_share_area": _l("Line loss: a 台区's loss is high from this share"),
    "loss_high_share_line": _l("Line loss: a 10 kV line's loss is high from this share"),
    "line_load_share_radial": _l("Open capacity: a radial line's allowed share of its rating"),
    "line_load_share_tied": _l("Open capacity: a tied line's allowed share of its rating (N-1)"),
    "coincidence_factor": _l("Open capacity: coincidence factor (同时率) of running kVA"),
    "peak_power_factor": _l("Open capacity: power factor of a head meter's peak"),
}


def standards_on(day: date) -> Standards:
    """The business limits in effect on `day`."""
    return dated_standards(day)[0]


def dated_standards(day: date) -> tuple[Standards, date | None]:
    """The limits in effect on `day` and the date their set took effect (None: defaults)."""
    current = db.session.scalar(
        select(ThresholdSet)
        .where(ThresholdSet.effective_on <= day)
        .order_by(ThresholdSet.effective_on.desc())
        .limit(1)
    )
    if current is None:
        return DEFAULT, None
    return standards_from(current.values), current.effective_on


def standards_from(values: dict) -> Standards:
    """Standards with the stored values over the defaults; unknown keys are ignored, so a
    set saved by an older version still loads."""
    known = {f.name for f in dataclasses.fields(Standards)}
    return dataclasses.replace(
        DEFAULT, **{key: value for key, value in values.items() if key in known}
    )


def add_threshold_set(values: dict, *, effective_on: date, note: str, actor: User) -> ThresholdSet:
    if db.session.scalar(select(ThresholdSet.id).where(ThresholdSet.effective_on == effective_on)):
        raise UtilityCRMError(
            _l(
                "A threshold set takes effect on %(day)s already; choose another date.",
                day=effective_on.isoformat(),
            )
        )
    standards_from(values)  # refuses unknown types early
    threshold_set = ThresholdSet(
        effective_on=effective_on,
        values=values,
        note=note,
        created_by_id=actor.id,
    )
    db.session.add(threshold_set)
    db.session.flush()
    return threshold_set


# The limits as the thresholds page groups them; every field of Standards is in one group.
STANDARD_GROUPS = (
    (_l("Tariffs and power factor"), ("single_part_max_kva", "two_part_min_kva",
                                      "pf_090_min_kva", "pf_085_min_kva", "pf_080_min_kva")),
    (_l("Metering"), ("hv_metering_min_kva", "ct_band_min", "ct_band_max",
                      "rotation_years_precise", "rotation_years_other", "class_i_min_kva",
                      "class_ii_min_kva", "class_iii_min_kva")),
    (_l("Reliability and pauses"), ("pause_max_months", "special_min_sources",
                                    "first_min_sources", "second_min_sources")),
    (_l("Expansion projects (业扩)"), ("notice_workdays", "pause_min_days",
                                       "restore_within_days", "deadline_warn_share",
                                       "supply_plan_valid_months_hv",
                                       "supply_plan_valid_months_lv", "supply_plan_warn_days",
                                       "return_visit_workdays", "follow_up_workdays")),
    (_l("Supply contracts"), ("contract_term_years_hv", "contract_term_years_lv",
                              "contract_notice_days")),
    (_l("Key accounts"), ("value_weight_consumption", "value_weight_revenue",
                          "value_weight_growth", "value_share_a", "value_share_b",
                          "visit_months_a", "visit_months_b", "visit_months_c",
                          "visit_warn_days", "complaint_contact_hours",
                          "complaint_resolve_workdays", "complaint_report_workdays",
                          "document_warn_days")),
    (_l("Line loss (线损)"), ("loss_negative_share", "loss_high_share_area",
                             "loss_high_share_line")),
    (_l("Open capacity (可开放容量)"), ("line_load_share_radial", "line_load_share_tied",
                                      "coincidence_factor", "peak_power_factor")),
)  # fmt: skip
