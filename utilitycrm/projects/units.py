"""The customer's own works and the units it chose for them (三不指定).

The utility neither designates nor recommends a designer, builder, supplier or testing
unit: staff type in the unit the customer names and its papers, and the inspections check
them. The design review needs the designer's qualification valid on its day; the
intermediate and completion inspections need the builder's 承装(修、试)电力设施许可证,
valid on the inspection day and of a class that covers the supply voltage.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from utilitycrm.auth.models import User
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.projects.models import CustomerUnit, Project
from utilitycrm.projects.types import LicenceClass, UnitRole

FIELDS = ("name", "credit_code", "licence_no", "licence_class", "qualification", "valid_until",
          "contact")  # fmt: skip
# The stage whose day the unit's papers must be valid on, and the unit it checks.
CHECKED_AT = {
    "design_review": UnitRole.DESIGNER,
    "mid_inspection": UnitRole.BUILDER,
    "completion": UnitRole.BUILDER,
}


def unit(project: Project, role: UnitRole) -> CustomerUnit | None:
    return next((u for u in project.units if u.role == role.value), None)


def record(project: Project, role: UnitRole, values: dict[str, object], *, actor: User):
    """The unit the customer named for `role` (a later one replaces it: the customer may
    change its builder), checked for what the inspections need of it."""
    if not project.can_work(actor):
        raise UtilityCRMError(_l("You may not work on this project."))
    if not (values.get("name") or "").strip():
        raise UtilityCRMError(_l("Give the unit's name as the customer states it."))
    if role is UnitRole.BUILDER and not (values.get("licence_no") and values.get("licence_class")):
        raise UtilityCRMError(_l("A builder is recorded with its licence number and class."))
    if role is UnitRole.DESIGNER and not (values.get("qualification") or "").strip():
        raise UtilityCRMError(_l("A designer is recorded with its design qualification."))
    item = unit(project, role) or CustomerUnit(role=role.value)
    for key in FIELDS:
        value = values.get(key)
        setattr(item, key, value.strip() if isinstance(value, str) else value)
    item.recorded_by_id = actor.id
    if item.id is None:
        project.units.append(item)
    db.session.flush()
    return item


def covers(licence_class: str | None, voltage_kv: str) -> bool:
    if not licence_class:
        return False
    top = LicenceClass(licence_class).max_kv
    return top is None or float(voltage_kv) <= top


def licence_refusal(project: Project, day: date) -> object | None:
    """Why the running inspection may not pass on `day` for the customer's unit."""
    stage = project.current_stage
    role = CHECKED_AT.get(stage.code) if stage is not None else None
    if role is None:
        return None
    item = unit(project, role)
    if item is None:
        return _l("Record the %(role)s the customer chose before this inspection passes.",
                  role=role.label)  # fmt: skip
    if role is UnitRole.BUILDER and not covers(item.licence_class, project.voltage_kv):
        return _l(
            "The builder's licence (%(licence)s) does not cover %(kv)s kV work: the customer "
            "needs a builder whose licence class does.",
            licence=LicenceClass(item.licence_class).label if item.licence_class else "—",
            kv=project.voltage_kv,
        )
    if item.valid_until is None or item.valid_until < day:
        return _l(
            "The %(role)s's papers are not valid on %(day)s (valid until %(until)s): the "
            "customer renews them or names another unit.",
            role=role.label, day=day.isoformat(),
            until=item.valid_until.isoformat() if item.valid_until else "—",
        )  # fmt: skip
    return None
