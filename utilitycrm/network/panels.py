"""What the network wing adds to other wings' pages: open capacity and the latest line loss
on a line's page, open capacity in the lines and substations lists, the supply line's
candidates and room on a project's page."""

from __future__ import annotations

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from utilitycrm.archive.models import FeederLine
from utilitycrm.archive.thresholds import standards_on
from utilitycrm.auth.roles import Permission
from utilitycrm.core.dates import local_today
from utilitycrm.core.extensions import db
from utilitycrm.network import capacity, losses, planning
from utilitycrm.network.capacity import LineCapacity
from utilitycrm.network.forms import OverrideForm
from utilitycrm.projects import supply_plan


def share_label(cap: LineCapacity) -> str:
    if cap.share_source == "line":
        return _("set for this line")
    if cap.share_source == "tied":
        names = db.session.scalars(select(FeederLine.name).where(FeederLine.id.in_(cap.tied_with)))
        return _(
            "in a tie pair with %(lines)s (N-1)",
            lines=format_list(list(names), locale=get_locale()),
        )
    return _("radial")


def peak_label(cap: LineCapacity) -> str:
    if cap.peak_source == "readings":
        return _("the head meter's peak of the last 12 months")
    factor = standards_on(local_today()).coincidence_factor
    return _("estimated: running %(kva)s kVA × coincidence factor %(factor)g",
             kva=f"{cap.running_kva:,}", factor=factor)  # fmt: skip


def line_panel(line: FeederLine) -> dict:
    cap = capacity.capacities([line], local_today())[line.id]
    month = losses.latest_month(local_today())
    return {
        "capacity": cap,
        "share_label": share_label(cap),
        "peak_label": peak_label(cap),
        "loss": losses.line_result(line.id, month) if month else None,
    }


def _kva(value: int) -> str:
    return f"{value:,}"


def lines_column(lines: list) -> dict[int, str]:
    found = capacity.capacities(lines, local_today())
    return {line_id: _kva(cap.open_kva) for line_id, cap in found.items()}


def substations_column(stations: list) -> dict[int, str]:
    found = capacity.by_substation(local_today(), [s.id for s in stations])
    return {total.substation.id: _kva(total.open_kva) for total in found}


def project_panel(project) -> dict:
    """A new connection's or increase's supply line: the candidates while the plan is
    answered, then the chosen line's room for the load and any override."""
    if not project.applied_kva or project.type_enum.is_change_of_use:
        return {"shown": False}
    today = local_today()
    lines = [s.line for s in project.sources if s.line is not None]
    found = capacity.capacities(lines, today) if lines else {}
    load = planning.new_load_kva(project, today)
    return {
        "shown": True,
        "load": load,
        "planning": supply_plan.is_planning(project),
        "candidates": planning.candidates(project, today)
        if supply_plan.is_planning(project)
        else [],
        "chosen": [(line, found[line.id], found[line.id].open_after(load)) for line in lines],
        "refusal": planning.capacity_refusal(project),
        "override": planning.override_for(project),
        "can_choose": project.can_work(current_user),
        "can_override": current_user.can(Permission.OVERRIDE_CAPACITY) and project.is_active,
        "form": OverrideForm(formdata=None),
    }
