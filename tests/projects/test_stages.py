"""A project's stages on the working-day clocks: start events, pauses, limits, on time."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests import factories
from tests.projects.conftest import (
    MONDAY,
    accept,
    advance,
    new_connection,
    prepare_stage,
    record_hv_metering,
    sign_contract,
)
from utilitycrm.archive.models import ChangeSet, Customer
from utilitycrm.contracts import services as contract_services
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.projects import acceptance, workflow
from utilitycrm.projects.types import ProjectStatus


def _stages(project):
    return {s.code: s.status for s in project.stages}


def _finish(project, day, actor, today=None):
    prepare_stage(project, actor, day)
    workflow.finish_stage(project, day=day, note="", actor=actor, calendar=WorkCalendar(),
                          today=today or day)  # fmt: skip
    db.session.commit()


def _start(project, day, actor):
    workflow.start_stage(project, day=day, actor=actor, calendar=WorkCalendar(), today=day)
    db.session.commit()


def test_a_high_voltage_connection_opens_its_plan_clock_over_national_day(manager, staff):
    project = accept(new_connection(factories.create_line(), manager), staff)

    assert project.number == f"YK-2026-{1:06d}"
    assert _stages(project)["accept"] == "done"
    assert _stages(project)["survey"] == "running"
    plan = workflow.clocks(project)["plan"]
    # 10 working days from Monday 28 September: National Day (1–7 October) does not count,
    # the make-up Saturday 10 October does.
    assert (plan.limit_workdays, plan.due_on) == (10, date(2026, 10, 16))
    assert plan.owner_id == manager.id


def test_a_dual_source_plan_has_twenty_days_and_the_provincial_profile_fifteen(manager, staff):
    line = factories.create_line()
    dual = new_connection(line, manager, is_dual_source=True)
    dual.sources.append(acceptance.SourceRequest("backup", line.id, None, "#2杆"))
    assert workflow.clocks(accept(dual, staff))["plan"].limit_workdays == 20

    provincial = db.session.scalar(
        select(acceptance.TimeLimitProfile).where(acceptance.TimeLimitProfile.code == "provincial")
    )
    single = new_connection(line, manager, profile_id=provincial.id)
    assert workflow.clocks(accept(single, staff))["plan"].limit_workdays == 15


def test_the_customer_event_starts_a_waiting_stage_and_its_own_clock(manager, staff):
    project = accept(new_connection(factories.create_line(), manager), staff)
    _finish(project, date(2026, 9, 30), staff)  # survey
    _finish(project, date(2026, 10, 9), staff)  # plan answered
    assert _stages(project)["design_review"] == "waiting"
    assert workflow.clocks(project)["plan"].used_workdays == 4  # 29, 30 Sep, 8, 9 Oct
    assert workflow.clocks(project)["plan"].is_on_time
    validity = workflow.clocks(project)["plan_validity"]
    assert validity.due_on == date(2027, 10, 9)  # a high-voltage plan is valid one year

    with pytest.raises(UtilityCRMError):  # before the plan was answered
        workflow.start_stage(project, day=date(2026, 10, 8), actor=staff,
                             calendar=WorkCalendar(), today=date(2026, 10, 20))  # fmt: skip
    db.session.rollback()
    _start(project, date(2026, 10, 20), staff)  # the drawings handed in
    review = workflow.clocks(project)["design_review"]
    assert (review.starts_on, review.limit_workdays) == (date(2026, 10, 20), 3)
    assert review.due_on == date(2026, 10, 23)


def test_a_pause_for_the_customer_moves_the_due_day_and_blocks_finishing(manager, staff):
    project = accept(new_connection(factories.create_line(), manager), staff)
    calendar = WorkCalendar()
    workflow.pause_clock(project, day=date(2026, 9, 29), reason="documents", note="缺产权证明",
                         actor=staff, calendar=calendar, today=date(2026, 9, 29))  # fmt: skip
    db.session.commit()
    with pytest.raises(UtilityCRMError, match="计时已暂停"):
        workflow.finish_stage(project, day=date(2026, 9, 30), note="", actor=staff,
                              calendar=calendar, today=date(2026, 9, 30))  # fmt: skip
    db.session.rollback()
    workflow.resume_clock(project, day=date(2026, 10, 9), actor=staff, calendar=calendar,
                          today=date(2026, 10, 9))  # fmt: skip
    db.session.commit()
    plan = workflow.clocks(project)["plan"]
    # One working day (29 Sep) used before the pause; nine more from 9 October.
    assert plan.due_on == date(2026, 10, 21)
    assert plan.pauses[0].note == "缺产权证明"


def test_a_late_stage_makes_the_project_late(manager, staff):
    project = accept(new_connection(factories.create_line(), manager), staff)
    assert workflow.is_on_time(project, date(2026, 10, 16))
    assert not workflow.is_on_time(project, date(2026, 10, 19))
    _finish(project, date(2026, 10, 19), staff)
    _finish(project, date(2026, 10, 19), staff)
    assert workflow.clocks(project)["plan"].is_on_time is False
    assert not workflow.is_on_time(project, date(2026, 10, 19))


def test_low_voltage_limits_follow_category_and_external_works(manager, staff):
    line = factories.create_line()
    residential = new_connection(line, manager, voltage="0.4", kva=(10,))
    residential.applicant.category = "residential"
    project = accept(residential, staff)
    assert [s.code for s in project.stages] == ["accept", "connection", "archive"]
    assert workflow.clocks(project)["low_voltage"].limit_workdays == 5

    shop = new_connection(line, manager, voltage="0.4", kva=(50,), has_external_works=True)
    shop.applicant.category = "general_commercial"
    assert workflow.clocks(accept(shop, staff))["low_voltage"].limit_workdays == 15


def test_a_whole_project_completes_into_the_archive_as_one_change(manager, staff):
    line = factories.create_line()
    project = accept(new_connection(line, manager, kva=(630, 400)), staff)
    customer_id = project.customer_id
    assert db.session.get(Customer, customer_id).status == "applying"
    record_hv_metering(project, ct_primary_a=75, meter_asset_no="3310001234567",
                       metering_class="II")  # fmt: skip
    day = advance(project, staff, until=lambda p: (p.current_stage.code, p.current_stage.status)
                  == ("contract", "running"))  # fmt: skip
    with pytest.raises(UtilityCRMError, match="供用电合同"):
        _finish(project, day, staff)  # not before the contract is signed
    db.session.rollback()
    contract = sign_contract(project, staff, day)
    _finish(project, day, staff)
    advance(project, staff, until=lambda p: p.status != ProjectStatus.ACTIVE.value, day=day)

    customer = db.session.get(Customer, customer_id)
    assert customer.status == "active"
    assert sorted(t.rated_kva for t in customer.transformers) == [400, 630]
    assert customer.contract_capacity_kva == customer.operating_capacity_kva == 1030
    assert [(s.line_id, s.property_boundary) for s in customer.sources] == [(line.id, "#12杆T接点")]
    assert all(t.source_id == customer.sources[0].id for t in customer.transformers)
    meter = customer.metering_points[0].meters[0]
    assert (meter.asset_no, meter.multiplier) == ("3310001234567", 1500)
    change_sets = db.session.scalars(
        select(ChangeSet).where(ChangeSet.reason.contains(project.number))
    ).all()
    assert [c.source for c in change_sets] == ["project"]
    assert all(not clock.is_open for clock in workflow.clocks(project).values())
    # The contract, signed before connection from the project's plan, agrees with the
    # archive the project completed.
    assert contract.frozen_data["capacity"]["contract_kva"] == 1030
    assert contract_services.stale_changes([contract]) == {contract.id: []}


def test_cancelling_stops_the_clocks_and_closes_the_applicant(manager, staff):
    project = accept(new_connection(factories.create_line(), manager), staff)
    with pytest.raises(UtilityCRMError):
        workflow.cancel(project, day=MONDAY, reason=" ", actor=staff, calendar=WorkCalendar(),
                        today=MONDAY)  # fmt: skip
    workflow.cancel(project, day=MONDAY, reason="客户撤回申请", actor=staff,
                    calendar=WorkCalendar(), today=MONDAY)  # fmt: skip
    db.session.commit()
    assert project.status == "cancelled"
    assert project.customer.status == "closed"
    assert not workflow.clocks(project)["plan"].is_open


def test_numbers_are_consecutive_per_year_and_a_refused_request_uses_none(manager, staff):
    line = factories.create_line()
    first = accept(new_connection(line, manager), staff)
    with pytest.raises(acceptance.ProjectRefused):
        accept(new_connection(line, manager, kva=()), staff)
    db.session.rollback()
    second = accept(new_connection(line, manager), staff)
    third = accept(new_connection(line, manager, on=date(2025, 12, 30)), staff, MONDAY)
    assert [first.number, second.number, third.number] == [
        "YK-2026-000001", "YK-2026-000002", "YK-2025-000001",
    ]  # fmt: skip
    assert first.customer.account_no == "9000000001"
