"""The supply plan's line (供电方案答复): which line and substation each source of the
project connects to, chosen while the plan is answered. What proposes the candidates
(open capacity) lives in the network wing above; this only records the choice."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from utilitycrm.archive.enums import SourceKind
from utilitycrm.archive.models import FeederLine
from utilitycrm.auth.models import User
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.projects.models import Project, ProjectSource

# The stages during which the plan's line is chosen: the survey and the plan's answer.
PLAN_STAGES = ("survey", "plan")


def is_planning(project: Project) -> bool:
    stage = project.current_stage
    return project.is_active and stage is not None and stage.code in PLAN_STAGES


def choose_line(
    project: Project, line: FeederLine, *, kind: SourceKind = SourceKind.MAIN, actor: User
) -> ProjectSource:
    """Record `line` (and its substation) as the plan's line for the source of `kind`,
    the existing one changed or a new one added (the caller commits)."""
    if not project.can_work(actor):
        raise UtilityCRMError(_l("You may not work on this project."))
    if not is_planning(project):
        raise UtilityCRMError(_l("The supply line is chosen while the supply plan is answered."))
    source = next((s for s in project.sources if s.kind == kind), None)
    if source is None:
        source = ProjectSource(kind=kind)
        project.sources.append(source)
    source.line_id, source.substation_id = line.id, line.substation_id
    source.line = line
    return source
