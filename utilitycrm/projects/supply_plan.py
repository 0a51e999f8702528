"""The supply plan (供电方案): drafted from the application and the archive, checked,
approved, and sent to the customer as a numbered PDF.

The plan's sources, transformers and metering scheme are the project's own records (what
the contract copies and completion writes into the archive); the plan adds the reactive
compensation, power quality, charges and validity, and freezes the whole on approval.
Wings above add their checks on approval (the network: open capacity of the chosen line).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from utilitycrm.archive import standards as rules
from utilitycrm.archive.enums import MeteringMethod, SourceKind, VoltageLevel, Wiring
from utilitycrm.archive.models import FeederLine
from utilitycrm.archive.thresholds import standards_on
from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Permission
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.i18n import html_lang
from utilitycrm.core.numbering import next_number
from utilitycrm.core.pdf import render_pdf
from utilitycrm.projects.models import Project, ProjectSource, SupplyPlan
from utilitycrm.projects.types import PlanStatus

# The stages during which the plan is drafted and approved: the survey and the plan's answer.
PLAN_STAGES = ("survey", "plan")
PLAN_STAGE = "plan"
# What a plan may say of the charges it levies, and of the customer's compensation.
EDITABLE = ("pf_standard", "compensation_kvar", "power_quality", "charges_yuan",
            "charges_basis", "valid_months", "remarks")  # fmt: skip
# Checks on approval from wings above: each returns None or why the plan may not pass.
APPROVAL_CHECKS: list[Callable[[Project, date], object | None]] = []
PLAN_LANGUAGE = "zh_CN"  # the customer's copy is in Chinese


def register_approval_check(check: Callable[[Project, date], object | None]) -> None:
    if check not in APPROVAL_CHECKS:  # each app registers again
        APPROVAL_CHECKS.append(check)


def is_planning(project: Project) -> bool:
    stage = project.current_stage
    return project.is_active and stage is not None and stage.code in PLAN_STAGES


def _may_change(project: Project, actor: User) -> None:
    if not project.can_work(actor):
        raise UtilityCRMError(_l("You may not work on this project."))
    if not is_planning(project):
        raise UtilityCRMError(_l("The supply plan is made while the survey or the plan runs."))
    if project.plan is not None and project.plan.is_approved:
        raise UtilityCRMError(_l("The supply plan is approved; it can no longer change."))


def choose_line(
    project: Project, line: FeederLine, *, kind: SourceKind = SourceKind.MAIN, actor: User
) -> ProjectSource:
    """Record `line` (and its substation) as the plan's line for the source of `kind`,
    the existing one changed or a new one added (the caller commits)."""
    _may_change(project, actor)
    source = next((s for s in project.sources if s.kind == kind), None)
    if source is None:
        source = ProjectSource(kind=kind)
        project.sources.append(source)
    source.line_id, source.substation_id = line.id, line.substation_id
    source.line = line
    return source


def plan_kva(project: Project) -> int:
    """The capacity the plan approves: what the customer keeps plus what it adds."""
    kept = project.customer.contract_capacity_kva or 0
    return kept + project.applied_kva


def propose_metering(project: Project, day: date) -> dict[str, object]:
    """The metering scheme the standards give for the voltage and the planned capacity."""
    s = standards_on(day)
    kva = plan_kva(project)
    method = rules.expected_metering_method(project.voltage_kv, kva, s)
    metering_class = rules.expected_metering_class(kva, s=s)
    on_hv = method is MeteringMethod.HV_HV
    voltage = float(project.voltage_kv) if on_hv else float(VoltageLevel.V0_4.value)
    return {
        "metering_method": method.value,
        "wiring": (Wiring.THREE_PHASE_THREE_WIRE if on_hv else Wiring.THREE_PHASE_FOUR_WIRE).value,
        "metering_class": metering_class.value,
        "ct_primary_a": rules.choose_ct_primary(kva, voltage) if kva else None,
        "ct_secondary_a": 5 if kva else None,
        "pt_primary_v": round(float(project.voltage_kv) * 1000) if on_hv else None,
        "pt_secondary_v": 100 if on_hv else None,
        "meter_accuracy": rules.accuracy_for(metering_class).value,
    }


def draft(project: Project, *, actor: User, today: date) -> SupplyPlan:
    """A plan drafted from the application (sources, transformers) and the archive
    (category, the capacity kept), its scheme and requirements proposed by the standards."""
    _may_change(project, actor)
    if project.plan is not None:
        raise UtilityCRMError(_l("The project has a supply plan already."))
    s = standards_on(today)
    kva = plan_kva(project)
    if not project.metering_method:
        for key, value in propose_metering(project, today).items():
            setattr(project, key, value)
    pf = rules.expected_pf_standard(project.customer.category, project.voltage_kv, kva, s)
    high = VoltageLevel(project.voltage_kv).is_high_voltage
    plan = SupplyPlan(
        number=next_number("supply_plan", current_app.config["PLAN_NUMBER_PATTERN"], today.year),
        status=PlanStatus.DRAFT.value,
        pf_standard=pf.value,
        # Capacitors of about 30% of the transformers bring a load to 0.90 and above.
        compensation_kvar=round(kva * 0.3) if pf.value != "none" and kva else None,
        power_quality="",
        charges_yuan=None,
        charges_basis="",
        valid_months=s.supply_plan_valid_months_hv if high else s.supply_plan_valid_months_lv,
        remarks="",
        drafted_on=today,
        drafted_by_id=actor.id,
    )
    project.plan = plan
    db.session.flush()
    return plan


def update(project: Project, values: dict[str, object], *, actor: User) -> SupplyPlan:
    """The plan's own fields and the project's metering scheme, as edited."""
    _may_change(project, actor)
    plan = project.plan
    if plan is None:
        raise UtilityCRMError(_l("Draft the supply plan first."))
    for key, value in values.items():
        target = plan if key in EDITABLE else project
        setattr(target, key, value)
    return plan


def sources(project: Project) -> list:
    """The supply the plan states: the customer's sources in service (an increase keeps
    them) and those the project builds (ProjectSource)."""
    return [*project.customer.sources, *project.sources]


def missing(project: Project) -> list[object]:
    """What the plan must state before it is approved."""
    found = []
    supply = sources(project)
    main = next((s for s in supply if s.kind == SourceKind.MAIN.value and s.line_id), None)
    if main is None:
        found.append(_l("Choose the main source's line."))
    for source in project.sources:  # a source in service has its boundary in the archive
        if not (source.property_boundary or "").strip():
            found.append(_l("State the property boundary (产权分界点) of each source."))
            break
    if project.records_metering and not project.applied_kva:
        found.append(_l("The plan approves no transformer: add the capacity applied for."))
    if not project.metering_method:
        found.append(_l("Give the metering scheme."))
    elif project.metering_method == MeteringMethod.HV_HV.value and not project.pt_primary_v:
        found.append(_l("Metering on the high-voltage side needs a PT."))
    if project.metering_method and not project.ct_primary_a and project.applied_kva:
        found.append(_l("Give the CT ratio of the metering."))
    if project.is_dual_source and not any(
        s.kind == SourceKind.BACKUP.value and s.line_id for s in supply
    ):
        found.append(_l("A dual-source plan names its backup source's line."))
    return found


def approve(project: Project, *, actor: User, today: date) -> SupplyPlan:
    """Approved by marketing or a chief: checked, then frozen as its PDF."""
    if not actor.can(Permission.MANAGE_PROJECTS):
        raise UtilityCRMError(_l("The supply plan is approved by marketing or a chief."))
    if not is_planning(project):
        raise UtilityCRMError(_l("The supply plan is made while the survey or the plan runs."))
    plan = project.plan
    if plan is None:
        raise UtilityCRMError(_l("Draft the supply plan first."))
    if plan.is_approved:
        raise UtilityCRMError(_l("The supply plan is approved; it can no longer change."))
    refusals = missing(project) + [
        refusal for check in APPROVAL_CHECKS if (refusal := check(project, today)) is not None
    ]
    if refusals:
        raise UtilityCRMError(" ".join(str(r) for r in refusals))
    plan.status, plan.approved_on, plan.approved_by_id = PlanStatus.APPROVED.value, today, actor.id
    plan.approved_by = actor
    plan.pdf = render(project)
    plan.pdf_sha256 = hashlib.sha256(plan.pdf).hexdigest()
    db.session.flush()
    return plan


def plan_stage_refusal(project: Project, day: date) -> object | None:
    """The plan's answer is given only with an approved plan."""
    if project.plan is None or not project.plan.is_approved:
        return _l("Approve the supply plan first: its answer is the approved plan.")
    return None


def render(project: Project) -> bytes:
    """The plan as the customer receives it (a draft is marked so)."""
    with force_locale(PLAN_LANGUAGE):
        return render_pdf(
            "projects/pdf/plan.html",
            project=project,
            plan=project.plan,
            sources=sources(project),
            kva=plan_kva(project),
            supplier=current_app.config["CONTRACT_SUPPLIER"],
            html_lang=html_lang(PLAN_LANGUAGE),
        )


def document(project: Project) -> tuple[bytes, str]:
    """The approved plan's frozen PDF, or a draft rendered now; and its file name."""
    plan = project.plan
    if plan is None:
        raise UtilityCRMError(_l("Draft the supply plan first."))
    if plan.is_approved and plan.pdf:
        return plan.pdf, f"{plan.number}.pdf"
    return render(project), f"{plan.number}-draft.pdf"
