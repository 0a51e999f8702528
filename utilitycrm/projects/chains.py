"""Each business type's chain of stages and the clocks that time them (domain.md §4).

A clock is a time limit in working days on the shared deadline mechanism. It starts with
the first stage it times and stops when the last of them finishes; several stages may
share one (the supply plan's clock runs through the survey and the plan's answer). A
stage starts either when the one before it finishes, or at an event of the customer's
(the drawings handed in, an inspection requested), which staff record with its date.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from utilitycrm.archive.enums import Category, VoltageLevel
from utilitycrm.projects.types import BusinessType


@dataclass(frozen=True)
class StageDef:
    code: str
    label: object
    clock: str | None = None
    # What starts the stage when it is not the previous stage's end: the customer's event.
    customer_event: object | None = None


# The stage that ends with the project's supply contract signed.
CONTRACT_STAGE = "contract"
ACCEPT = StageDef("accept", _l("Application accepted (业务受理)"))
ARCHIVE = StageDef("archive", _l("Archived (归档)"))

HIGH_VOLTAGE = (
    ACCEPT,
    StageDef("survey", _l("Site survey (现场勘查)"), "plan"),
    StageDef("plan", _l("Supply plan answered (供电方案答复)"), "plan"),
    StageDef(
        "design_review",
        _l("Design review (设计文件审查)"),
        "design_review",
        _l("The customer handed in the design drawings"),
    ),
    StageDef(
        "mid_inspection",
        _l("Intermediate inspection (中间检查)"),
        "mid_inspection",
        _l("The customer requested the intermediate inspection"),
    ),
    StageDef(
        "completion",
        _l("Completion inspection (竣工检验)"),
        "completion",
        _l("The customer reported the works complete"),
    ),
    StageDef(CONTRACT_STAGE, _l("Supply contract signed (供用电合同签订)")),
    StageDef("connection", _l("Metering installed and connected (装表接电)"), "connection"),
    ARCHIVE,
)
LOW_VOLTAGE = (
    StageDef("accept", _l("Application accepted, site surveyed (受理含勘查)")),
    StageDef("connection", _l("Metering installed and connected (装表接电)"), "low_voltage"),
    ARCHIVE,
)
CHANGE_OF_USE = (
    ACCEPT,
    StageDef("execute", _l("Change carried out on site (现场办理)"), "change"),
    ARCHIVE,
)

# Not a stage clock: the customer's time to build before the supply plan lapses.
PLAN_VALIDITY = "plan_validity"

CLOCK_LABELS = {
    "plan": _l("Supply plan"),
    "design_review": _l("Design review"),
    "mid_inspection": _l("Intermediate inspection"),
    "completion": _l("Completion inspection"),
    "connection": _l("Connection"),
    "low_voltage": _l("Low-voltage connection"),
    "change": _l("Change of use"),
    PLAN_VALIDITY: _l("Supply plan validity"),
}


def chain(business_type: BusinessType, voltage_kv: str) -> tuple[StageDef, ...]:
    if business_type.is_change_of_use:
        return CHANGE_OF_USE
    return HIGH_VOLTAGE if VoltageLevel(voltage_kv).is_high_voltage else LOW_VOLTAGE


def stage_def(business_type: BusinessType, voltage_kv: str, code: str) -> StageDef:
    return next(s for s in chain(business_type, voltage_kv) if s.code == code)


def stage_label(project, stage) -> object:
    return stage_def(project.type_enum, project.voltage_kv, stage.code).label


def limit_key(clock: str, *, dual_source: bool, category: str, external_works: bool) -> str:
    """The profile entry that limits a clock for this project."""
    if clock == "plan":
        return "plan_dual" if dual_source else "plan_single"
    if clock == "low_voltage":
        if external_works:
            return "low_voltage_external_works"
        if category == Category.RESIDENTIAL.value:
            return "low_voltage_residential"
        return "low_voltage_non_residential"
    return clock
