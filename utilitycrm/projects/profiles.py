"""The time-limit profiles seeded at installation (domain.md §4), in working days.

The provincial assessment sets only the high-voltage stages; for low voltage and changes
of use it takes the SGCC commitment's figures.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

LIMIT_LABELS = {
    "plan_single": _l("Supply plan, single source"),
    "plan_dual": _l("Supply plan, dual source"),
    "design_review": _l("Design review"),
    "mid_inspection": _l("Intermediate inspection"),
    "completion": _l("Completion inspection"),
    "connection": _l("Connection (high voltage)"),
    "low_voltage_residential": _l("Low voltage, residential"),
    "low_voltage_non_residential": _l("Low voltage, non-residential"),
    "low_voltage_external_works": _l("Low voltage with external works"),
    "change": _l("Change of use carried out"),
}

SGCC_2023 = {
    "code": "sgcc-2023",
    "name": "国网供电服务承诺 2023",
    "effective_on": date(2023, 1, 1),
    "is_default": True,
    "limits": {
        "plan_single": 10,
        "plan_dual": 20,
        "design_review": 3,
        "mid_inspection": 3,
        "completion": 3,
        "connection": 3,
        "low_voltage_residential": 5,
        "low_voltage_non_residential": 6,
        "low_voltage_external_works": 15,
        "change": 5,
    },
}
PROVINCIAL = {
    "code": "provincial",
    "name": "省公司考核标准",
    "effective_on": date(2023, 1, 1),
    "is_default": False,
    "limits": {
        **SGCC_2023["limits"],
        "plan_single": 15,
        "plan_dual": 30,
        "design_review": 10,
        "mid_inspection": 5,
        "completion": 5,
        "connection": 5,
    },
}
SEEDED = (SGCC_2023, PROVINCIAL)
