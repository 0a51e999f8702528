"""Open capacity at the supply plan (供电方案答复) and at connection (装表接电).

At the plan, candidate lines are proposed for the application: the lines of the
substations it names (or of the customer's present sources, or all), ranked by the open
capacity left once the new load is on them; a tied line's allowable already keeps the
N-1 margin. At connection, a project that would take its line past its allowable load is
refused with the figures, unless a chief has recorded an override with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from utilitycrm.archive.models import FeederLine
from utilitycrm.archive.thresholds import standards_on
from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Permission
from utilitycrm.core.dates import local_today
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.network.capacity import LineCapacity, capacities
from utilitycrm.network.models import CapacityOverride
from utilitycrm.projects.models import Project

CANDIDATES = 10


def new_load_kva(project: Project, today: date) -> int:
    """The load the project adds at its peak: its applied kVA × the coincidence factor."""
    return round(project.applied_kva * standards_on(today).coincidence_factor)


@dataclass(frozen=True)
class Candidate:
    line: FeederLine
    capacity: LineCapacity
    open_after: int
    chosen: bool

    @property
    def fits(self) -> bool:
        return self.open_after >= 0


def _substations(project: Project) -> set[int]:
    named = {s.substation_id or (s.line.substation_id if s.line else None) for s in project.sources}
    named.discard(None)
    if named:
        return named
    present = {s.substation_id or (s.line.substation_id if s.line else None)
               for s in project.customer.sources}  # fmt: skip
    present.discard(None)
    return present


def candidates(project: Project, today: date, limit: int = CANDIDATES) -> list[Candidate]:
    """The lines proposed for the project's supply, the most room left first."""
    stations = _substations(project)
    query = select(FeederLine).order_by(FeederLine.name_sort)
    if stations:
        query = query.where(FeederLine.substation_id.in_(sorted(stations)))
    lines = list(db.session.scalars(query))
    found = capacities(lines, today)
    load = new_load_kva(project, today)
    chosen = {s.line_id for s in project.sources}
    ranked = sorted(
        (Candidate(line, found[line.id], found[line.id].open_after(load), line.id in chosen)
         for line in lines),
        key=lambda c: (-c.open_after, c.line.name_sort),
    )  # fmt: skip
    return ranked[:limit]


def override_for(project: Project) -> CapacityOverride | None:
    return db.session.get(CapacityOverride, project.id)


def capacity_refusal(project: Project, day: date | None = None) -> object | None:
    """Why the project's plan may not pass, or the project connect on `day` (default
    today): a line of its plan without room for its load."""
    if override_for(project) is not None or not project.applied_kva:
        return None
    today = day or local_today()
    lines = [s.line for s in project.sources if s.line is not None]
    if not lines:
        return None
    load = new_load_kva(project, today)
    for line in lines:
        cap = capacities([line], today)[line.id]
        if cap.open_after(load) < 0:
            return _l(
                "Line %(line)s may carry %(allowable)s kVA and carries %(peak)s kVA at its "
                "peak: %(open)s kVA open, and this project adds %(load)s kVA. Choose another "
                "line in the supply plan, or a chief records an override with a reason.",
                line=line.name, allowable=f"{cap.allowable_kva:,}", peak=f"{cap.peak_kva:,}",
                open=f"{cap.open_kva:,}", load=f"{load:,}",
            )  # fmt: skip
    return None


def record_override(project: Project, *, reason: str, actor: User) -> CapacityOverride:
    """A chief's decision to connect the project beyond a line's open capacity."""
    if not actor.can(Permission.OVERRIDE_CAPACITY):
        raise UtilityCRMError(_l("Only a chief may override a line's open capacity."))
    if not reason.strip():
        raise UtilityCRMError(_l("Say why the line may take this load."))
    if not project.is_active:
        raise UtilityCRMError(_l("The project is closed."))
    override = override_for(project) or CapacityOverride(project_id=project.id)
    override.reason, override.actor_id = reason.strip(), actor.id
    db.session.add(override)
    db.session.flush()
    return override
