"""The seeded time-limit profiles, and projects accepted through the service."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests import factories
from tests.validation.dbarchive import change as record_change
from utilitycrm.contracts import services as contract_services
from utilitycrm.core.extensions import db
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.projects import acceptance, attachments, supply_plan, units, workflow
from utilitycrm.projects.models import TimeLimitProfile
from utilitycrm.projects.profiles import SEEDED
from utilitycrm.projects.types import BusinessType, UnitRole

MONDAY = date(2026, 9, 28)  # the week before National Day


@pytest.fixture(autouse=True)
def profiles(app_context):
    """What migration 0008 seeds (the suite's schema is made by create_all)."""
    for profile in SEEDED:
        db.session.add(
            TimeLimitProfile(
                code=profile["code"],
                name=profile["name"],
                effective_on=profile["effective_on"],
                is_default=profile["is_default"],
                limits=profile["limits"],
            )
        )
    db.session.commit()


@pytest.fixture
def manager():
    return factories.create_user(role="account_manager", username="li", email="li@example.cn")


@pytest.fixture
def staff():
    return factories.create_user(role="marketing", username="wang")


def accept(request: acceptance.ProjectRequest, actor, today: date | None = None):
    project = acceptance.accept(
        request, actor=actor, calendar=WorkCalendar(), today=today or request.accepted_on
    )
    db.session.commit()
    return project


def new_connection(line, manager, *, voltage="10", kva=(630,), on=MONDAY, **extra):
    """An applicant's request for a new connection on `line`."""
    return acceptance.ProjectRequest(
        business_type=BusinessType.NEW,
        accepted_on=on,
        applicant=acceptance.Applicant("示范新材料有限公司", "large_industry", voltage, "新区1号"),
        account_manager_id=manager.id,
        added=[acceptance.AddedTransformer(k) for k in kva],
        sources=[acceptance.SourceRequest("main", line.id, "#12杆", "#12杆T接点")],
        **extra,
    )


def change(customer, business_type, manager, *, on=MONDAY, **extra):
    return acceptance.ProjectRequest(
        business_type=business_type,
        accepted_on=on,
        customer=customer,
        account_manager_id=manager.id,
        **extra,
    )


def sign_contract(project, actor, day):
    """The applicant's tariff is set in the archive, and the project's contract signed."""
    factories.create_tariff()
    record_change(project.customer, tariff_code="DGY-10", pf_standard="0.90")
    contract = contract_services.create_draft(
        project.customer, contract_services.DraftRequest(project=project), actor=actor, today=day
    )
    contract_services.sign(
        contract,
        contract_services.Signing(day, day, date(2031, 10, 1), "张总", "李主任"),
        actor=actor,
        today=day,
    )
    db.session.commit()
    return contract


def record_hv_metering(project, *, ct_primary_a: int, meter_asset_no: str, metering_class="III"):
    """The project's planned high-voltage metering (CT x/5, PT 10 kV/100 V)."""
    workflow.record_metering(project, {
        "metering_method": "hv_hv", "wiring": "3p3w", "metering_class": metering_class,
        "ct_primary_a": ct_primary_a, "ct_secondary_a": 5, "pt_primary_v": 10000,
        "pt_secondary_v": 100, "meter_asset_no": meter_asset_no, "meter_accuracy": "0.5S",
    })  # fmt: skip


DESIGNER = {"name": "示范电力设计院有限公司", "qualification": "电力行业(送电、变电)专业乙级",
            "valid_until": date(2030, 12, 31)}  # fmt: skip
BUILDER = {"name": "示范电力安装工程有限公司", "licence_no": "6-1-00123-2021",
           "licence_class": "4", "valid_until": date(2030, 12, 31)}  # fmt: skip


def prepare_stage(project, actor, day: date) -> None:
    """What a running stage needs before it finishes, as a compliant customer gives it:
    its documents, an approved supply plan at the plan, the designer and builder at the
    inspections."""
    code = project.current_stage.code
    for kind in attachments.missing_for(project, code):
        attachments.upload(project, kind, data=b"%PDF-1.4 " + kind.value.encode(),
                           filename=f"{kind.value}.pdf", note="", actor=actor)  # fmt: skip
    if code == "plan" and project.plan is None:
        supply_plan.draft(project, actor=actor, today=day)
    if code == "plan" and not project.plan.is_approved:
        supply_plan.approve(project, actor=actor, today=day)
    if code == "design_review" and units.unit(project, UnitRole.DESIGNER) is None:
        units.record(project, UnitRole.DESIGNER, DESIGNER, actor=actor)
    if code in ("mid_inspection", "completion") and units.unit(project, UnitRole.BUILDER) is None:
        units.record(project, UnitRole.BUILDER, BUILDER, actor=actor)


def advance(project, actor, *, until, day: date = MONDAY) -> date:
    """One step a day (start a waiting stage, else finish the running one, signing the
    contract at its stage) until `until(project)` holds; the day of the last step."""
    while not until(project):
        day += timedelta(days=1)
        if project.current_stage.status == "waiting":
            workflow.start_stage(project, day=day, actor=actor, calendar=WorkCalendar(), today=day)
        else:
            prepare_stage(project, actor, day)
            if project.current_stage.code == "contract":
                sign_contract(project, actor, day)
            workflow.finish_stage(project, day=day, note="", actor=actor,
                                  calendar=WorkCalendar(), today=day)  # fmt: skip
        db.session.commit()
    return day
