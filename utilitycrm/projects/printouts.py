"""The project's printable forms (业务受理单, 现场勘查单, the inspection reports, 装表接电工作单):
PDFs from the contracts' pipeline, in Chinese, filled from the project as it stands."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from utilitycrm.core.i18n import html_lang
from utilitycrm.core.pdf import render_pdf
from utilitycrm.projects import attachments, chains, supply_plan, units
from utilitycrm.projects.defects import INSPECTIONS
from utilitycrm.projects.models import Project

# Form code -> its title; an inspection report's code is its stage's.
TITLES = {
    "accept": _l("Application form (业务受理单)"),
    "survey": _l("Site survey form (现场勘查单)"),
    "design_review": _l("Design review report (设计文件审查意见单)"),
    "mid_inspection": _l("Intermediate inspection report (中间检查意见单)"),
    "completion": _l("Completion inspection report (竣工检验意见单)"),
    "connection": _l("Metering and connection work order (装表接电工作单)"),
}


def available(project: Project) -> list[str]:
    """The forms of the project's chain, in its order."""
    codes = {s.code for s in project.stages}
    return [code for code in TITLES if code in codes]


def render(project: Project, code: str) -> bytes:
    if code not in available(project):
        raise KeyError(code)
    stage = next(s for s in project.stages if s.code == code)
    with force_locale(supply_plan.PLAN_LANGUAGE):
        return render_pdf(
            "projects/pdf/form.html",
            project=project,
            code=code,
            title=TITLES[code],
            stage=stage,
            stage_label=chains.stage_label(project, stage),
            is_inspection=code in INSPECTIONS,
            unit=units.unit(project, units.CHECKED_AT[code]) if code in units.CHECKED_AT else None,
            defects=[d for d in project.defects if d.stage_code == code],
            documents=attachments.latest(project).values(),
            sources=supply_plan.sources(project),
            supplier=current_app.config["CONTRACT_SUPPLIER"],
            html_lang=html_lang(supply_plan.PLAN_LANGUAGE),
        )
