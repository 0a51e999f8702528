"""The work inside the stages: the supply plan, the customer's units and their licences,
inspection defect lists and grid-side works, each holding its stage until it is done."""

from __future__ import annotations

import io
from datetime import date

import pytest

from tests import factories
from tests.clock import TODAY
from tests.pdftext import pdf_text
from tests.projects.conftest import (
    BUILDER,
    MONDAY,
    accept,
    advance,
    new_connection,
    prepare_stage,
    record_hv_metering,
)
from utilitycrm.auth.roles import Role
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.deadlines.models import Deadline
from utilitycrm.projects import (
    acceptance,
    attachments,
    defects,
    grid_works,
    queries,
    return_visits,
    supply_plan,
    units,
    workflow,
)
from utilitycrm.projects.models import TimeLimitProfile
from utilitycrm.projects.profiles import PROVINCIAL
from utilitycrm.projects.types import AttachmentKind, GridWorkKind, Satisfaction, UnitRole


def _finish(project, day, actor):
    workflow.finish_stage(project, day=day, note="", actor=actor, calendar=WorkCalendar(),
                          today=day)  # fmt: skip
    db.session.commit()


def _at(project, actor, code, status="running"):
    return advance(project, actor, until=lambda p: (p.current_stage.code, p.current_stage.status)
                   == (code, status))  # fmt: skip


def test_a_plan_is_drafted_from_the_application_approved_and_rendered(manager, staff):
    line = factories.create_line(name="城南一线")
    project = accept(new_connection(line, manager), staff)  # 630 kVA, 10 kV, large industry

    plan = supply_plan.draft(project, actor=manager, today=MONDAY)
    assert plan.number == "FA-2026-000001" and plan.status == "draft"
    # The standards' proposals: 630 kVA ≥ 315 is metered on the HV side, class III, a CT
    # of the first standard primary above 36.4 A, 0.90 for an HV industrial user.
    assert (project.metering_method, project.metering_class, project.meter_accuracy) == (
        "hv_hv", "III", "0.5S")  # fmt: skip
    assert (project.ct_primary_a, project.ct_secondary_a) == (40, 5)
    assert (project.pt_primary_v, project.pt_secondary_v) == (10000, 100)
    assert (plan.pf_standard, plan.compensation_kvar, plan.valid_months) == ("0.90", 189, 12)

    supply_plan.update(project, {"charges_yuan": None, "valid_months": 6, "ct_primary_a": 50},
                       actor=manager)  # fmt: skip
    with pytest.raises(UtilityCRMError, match="营销人员或主管审批"):
        supply_plan.approve(project, actor=manager, today=MONDAY)
    prepare_stage(project, staff, MONDAY)  # the survey's documents
    _finish(project, MONDAY, staff)
    with pytest.raises(UtilityCRMError, match="请先审批供电方案"):
        _finish(project, MONDAY, staff)
    supply_plan.approve(project, actor=staff, today=MONDAY)
    db.session.commit()

    assert plan.is_approved and plan.approved_by_id == staff.id and plan.pdf_sha256
    text = pdf_text(plan.pdf)
    for expected in ("FA-2026-000001", "城南一线", line.substation.name, "#12杆T接点",
                     "630", "高供高计", "50/5", "10000/100", "0.90", "6 个月"):  # fmt: skip
        assert expected in text, expected
    assert "草稿" not in text
    with pytest.raises(UtilityCRMError, match="已审批"):
        supply_plan.update(project, {"valid_months": 12}, actor=manager)
    with pytest.raises(UtilityCRMError, match="已审批"):
        supply_plan.choose_line(project, factories.create_line(), actor=manager)
    assert supply_plan.document(project) == (plan.pdf, f"{plan.number}.pdf")  # frozen

    day = advance(project, staff, until=lambda p: p.current_stage.code != "plan")
    validity = workflow.clocks(project)["plan_validity"]
    assert validity.due_on == date(day.year + (day.month + 6 > 12), (day.month + 5) % 12 + 1,
                                   day.day)  # six months, as the plan says  # fmt: skip


def test_a_plan_is_not_approved_while_it_lacks_what_it_must_state(manager, staff):
    line = factories.create_line()
    request = new_connection(line, manager)
    request.sources[0] = acceptance.SourceRequest("main", line.id, "#3杆", "")  # no boundary
    project = accept(request, staff)
    supply_plan.draft(project, actor=manager, today=MONDAY)
    supply_plan.update(project, {"pt_primary_v": None, "pt_secondary_v": None}, actor=manager)
    with pytest.raises(UtilityCRMError) as refused:
        supply_plan.approve(project, actor=staff, today=MONDAY)
    assert "产权分界点" in str(refused.value)
    assert "电压互感器" in str(refused.value)
    assert not project.plan.is_approved and project.plan.pdf is None


def test_the_builders_licence_is_checked_at_the_inspections(manager, staff):
    project = accept(new_connection(factories.create_line(), manager, voltage="35"), staff)
    day = _at(project, staff, "mid_inspection")
    with pytest.raises(UtilityCRMError, match="请先登记客户自选的施工单位"):  # none named yet
        _finish(project, day, staff)
    db.session.rollback()

    units.record(project, UnitRole.BUILDER, {**BUILDER, "licence_class": "5"}, actor=manager)
    with pytest.raises(UtilityCRMError, match="不能承揽 35 kV"):  # 五级: up to 10 kV
        _finish(project, day, staff)
    db.session.rollback()

    units.record(project, UnitRole.BUILDER, {**BUILDER, "valid_until": day.replace(day=1)},
                 actor=manager)  # class 4 covers 35 kV, but lapsed  # fmt: skip
    with pytest.raises(UtilityCRMError, match="不在有效期内"):
        _finish(project, day, staff)
    db.session.rollback()

    units.record(project, UnitRole.BUILDER, BUILDER, actor=manager)  # renewed
    _finish(project, day, staff)
    assert project.current_stage.code == "completion"
    [builder] = [u for u in project.units if u.role == "builder"]
    assert builder.licence_no == BUILDER["licence_no"]  # the one unit, corrected in place
    with pytest.raises(UtilityCRMError, match="许可证编号和等级"):
        units.record(project, UnitRole.BUILDER, {"name": "某公司"}, actor=manager)


def test_a_defect_list_pauses_the_inspection_until_every_defect_is_closed(manager, staff):
    project = accept(new_connection(factories.create_line(), manager), staff)
    day = _at(project, staff, "design_review")
    prepare_stage(project, staff, day)  # the designer, as the customer named it
    raised = defects.raise_defects(
        project, ["图纸未标注计量柜位置", "", "接地系统说明缺失"], day=day, actor=staff,
        calendar=WorkCalendar(), today=day,
    )  # fmt: skip
    db.session.commit()
    assert len(raised) == 2  # the blank line is no defect
    clock = workflow.running_clock(project)
    assert clock.is_paused and clock.pauses[-1].reason == "rectifying"
    with pytest.raises(UtilityCRMError):
        _finish(project, day, staff)
    db.session.rollback()

    later = day
    defects.close_defect(project, raised[0].id, day=later, note="已补充", actor=manager,
                         calendar=WorkCalendar(), today=later)  # fmt: skip
    assert workflow.running_clock(project).is_paused  # one is still open
    assert defects.defects_refusal(project, later) is not None
    defects.close_defect(project, raised[1].id, day=later, note="", actor=manager,
                         calendar=WorkCalendar(), today=later)  # fmt: skip
    db.session.commit()
    assert not workflow.running_clock(project).is_paused
    assert [(d.closed_on, d.closed_by_id) for d in project.defects] == [(later, manager.id)] * 2
    with pytest.raises(UtilityCRMError, match="已关闭"):
        defects.close_defect(project, raised[1].id, day=later, note="", actor=manager,
                             calendar=WorkCalendar(), today=later)  # fmt: skip
    _finish(project, later, staff)
    assert project.current_stage.code == "mid_inspection"
    with pytest.raises(UtilityCRMError, match="检验进行中"):
        defects.raise_defects(project, ["x"], day=later, actor=staff, calendar=WorkCalendar(),
                              today=later)  # fmt: skip


def test_a_grid_side_work_holds_the_connection_and_is_the_utilitys_delay(manager, staff):
    project = accept(new_connection(factories.create_line(), manager), staff)
    with pytest.raises(UtilityCRMError, match="不属于本工单"):
        grid_works.finish(project, 999, day=MONDAY, note="", actor=staff, calendar=WorkCalendar(),
                          today=MONDAY)  # fmt: skip
    work = grid_works.start(
        project, kind=GridWorkKind.BAY, description="示范变 10 kV 出线间隔扩建",
        department="运维检修部", started_on=MONDAY, planned_on=date(2026, 9, 30), actor=staff,
        today=MONDAY,
    )  # fmt: skip
    db.session.commit()
    deadline = db.session.scalar(
        db.select(Deadline).where(Deadline.kind == "grid_work", Deadline.subject_id == work.id)
    )
    assert (deadline.owner_id, deadline.due_on) == (manager.id, date(2026, 9, 30))

    day = _at(project, staff, "connection")
    with pytest.raises(UtilityCRMError, match="间隔扩建"):
        _finish(project, day, staff)
    db.session.rollback()
    assert work.is_late(day) and grid_works.late_works(project, day) == [work]

    grid_works.finish(project, work.id, day=day, note="已投运", actor=staff,
                      calendar=WorkCalendar(), today=day)  # fmt: skip
    db.session.commit()
    assert deadline.finished_on == day
    assert work.is_late(TODAY)  # done after its planned day: still the utility's delay
    _finish(project, day, staff)
    assert project.current_stage.code == "archive"


def test_the_project_page_takes_the_plan_through_its_forms(client, auth, login_as, users):
    manager, staff = users[Role.ACCOUNT_MANAGER], users[Role.MARKETING]
    project = accept(new_connection(factories.create_line(name="城北二线"), manager), staff)
    url = f"/projects/{project.number}"
    login_as(Role.ACCOUNT_MANAGER)
    page = client.get(url).get_data(as_text=True)
    assert 'id="draft-plan-form"' in page and 'id="plan-pdf"' not in page
    assert client.get(url + "/plan.pdf").status_code == 404
    client.post(url + "/plan", data={})
    page = client.get(url).get_data(as_text=True)
    assert 'id="plan-form"' in page and 'id="approve-plan-form"' not in page  # not a manager's
    draft = client.get(url + "/plan.pdf")
    assert draft.mimetype == "application/pdf" and "草稿" in pdf_text(draft.data)

    form = {"metering_method": "hv_hv", "wiring": "3p3w", "metering_class": "III",
            "meter_accuracy": "0.5S", "ct_ratio": "75/5", "pt_ratio": "10000/100",
            "pf_standard": "0.90", "compensation_kvar": "200", "charges_yuan": "",
            "charges_basis": "", "valid_months": "12", "power_quality": "装设有源滤波装置",
            "remarks": ""}  # fmt: skip
    saved = client.post(url + "/plan/edit", data={**form, "valid_months": "0"},
                        follow_redirects=True)  # fmt: skip
    assert saved.status_code == 200
    db.session.refresh(project)
    assert project.plan.valid_months == 12  # refused whole
    client.post(url + "/plan/edit", data=form)
    db.session.refresh(project)
    assert (project.ct_primary_a, project.plan.compensation_kvar) == (75, 200)

    auth.logout()
    login_as(Role.MARKETING)
    approved = client.post(url + "/plan/approve", follow_redirects=True).get_data(as_text=True)
    assert "已审批" in approved
    document = client.get(url + "/plan.pdf")
    assert document.headers["Content-Disposition"] == f"inline; filename={project.plan.number}.pdf"
    assert "装设有源滤波装置" in pdf_text(document.data) and "75/5" in pdf_text(document.data)


def test_projects_cli_lists_projects_and_renders_a_plan(runner, manager, staff, tmp_path):
    project = accept(new_connection(factories.create_line(), manager), staff)
    listed = runner.invoke(args=["projects", "list"])
    assert listed.exit_code == 0 and project.number in listed.output
    assert runner.invoke(args=["projects", "list", "--status", "completed"]).output.count(
        project.number) == 0  # fmt: skip

    out = tmp_path / "plan.pdf"
    refused = runner.invoke(args=["projects", "plan", "render", project.number, "--out", str(out)])
    assert refused.exit_code != 0 and not out.exists()
    supply_plan.draft(project, actor=manager, today=MONDAY)
    supply_plan.approve(project, actor=staff, today=MONDAY)
    db.session.commit()
    done = runner.invoke(args=["projects", "plan", "render", project.number, "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert out.read_bytes() == project.plan.pdf
    missing = runner.invoke(args=["projects", "plan", "render", "YK-0000", "--out", str(out)])
    assert missing.exit_code != 0 and "YK-0000" in missing.output


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_a_stage_needs_its_documents_kept_in_versions(manager, staff, app):
    project = accept(new_connection(factories.create_line(), manager), staff)
    with pytest.raises(UtilityCRMError, match="主体资格证明"):  # the survey's materials
        _finish(project, MONDAY, staff)
    db.session.rollback()
    for kind in (AttachmentKind.ID_DOCUMENT, AttachmentKind.PROPERTY):
        attachments.upload(project, kind, data=b"%PDF-1.4 x", filename="a.pdf", note="",
                           actor=manager)  # fmt: skip
    db.session.commit()
    with pytest.raises(UtilityCRMError, match="用电设备清单"):  # one is still missing
        _finish(project, MONDAY, staff)
    db.session.rollback()
    first = attachments.upload(project, AttachmentKind.LOAD_LIST, data=b"%PDF-1.4 v1",
                               filename="负荷.pdf", note="", actor=manager)  # fmt: skip
    second = attachments.upload(project, AttachmentKind.LOAD_LIST, data=PNG,
                                filename="C:\\scans\\负荷.png", note="补充", actor=manager)  # fmt: skip
    assert (first.version, second.version, second.filename) == (1, 2, "负荷.png")
    assert attachments.latest(project)["load_list"] is second
    _finish(project, MONDAY, staff)
    assert project.current_stage.code == "plan"

    with pytest.raises(UtilityCRMError, match="PDF、JPEG 或 PNG"):
        attachments.upload(project, AttachmentKind.OTHER, data=b"MZ\x90\x00exe",
                           filename="表格.pdf", note="", actor=manager)  # fmt: skip
    app.config["PROJECT_ATTACHMENT_MAX_BYTES"], limit = (
        8,
        app.config["PROJECT_ATTACHMENT_MAX_BYTES"],
    )
    try:
        with pytest.raises(UtilityCRMError, match="超过"):
            attachments.upload(project, AttachmentKind.OTHER, data=PNG, filename="p.png",
                               note="", actor=manager)  # fmt: skip
    finally:
        app.config["PROJECT_ATTACHMENT_MAX_BYTES"] = limit
    assert len(project.attachments) == 4


def test_a_document_with_a_forged_type_is_refused_or_served_as_what_it_is(client, login_as, users):
    manager, staff = users[Role.ACCOUNT_MANAGER], users[Role.MARKETING]
    project = accept(new_connection(factories.create_line(), manager), staff)
    url = f"/projects/{project.number}/attachments"
    login_as(Role.ACCOUNT_MANAGER)
    page = client.post(url, data={"kind": "drawings", "file": (io.BytesIO(
        b"<html><script>alert(1)</script></html>"), "图纸.pdf", "application/pdf")},
        follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "PDF、JPEG 或 PNG" in page
    db.session.refresh(project)
    assert project.attachments == []

    client.post(url, data={"kind": "inspection_photo", "file": (io.BytesIO(PNG), "photo.html",
                "text/html")})  # fmt: skip
    db.session.refresh(project)
    [kept] = project.attachments
    assert (kept.media_type, kept.filename) == ("image/png", "photo.html.png")
    served = client.get(f"{url}/{kept.id}")
    assert served.mimetype == "image/png" and served.data == PNG
    assert served.headers["Content-Disposition"].startswith("attachment")
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Security-Policy"] == "sandbox"
    page = client.get(f"/projects/{project.number}").get_data(as_text=True)
    assert "photo.html.png" in page and 'id="attachments-missing"' in page
    assert client.get(f"{url}/999999").status_code == 404


def test_the_return_visit_falls_due_and_a_dissatisfied_rating_is_followed_up(manager, staff):
    project = accept(new_connection(factories.create_line(), manager), staff)
    with pytest.raises(UtilityCRMError, match="完成"):
        return_visits.record(project, day=MONDAY, satisfaction=Satisfaction.SATISFIED,
                             remarks="", actor=manager, calendar=WorkCalendar(), today=MONDAY)  # fmt: skip
    record_hv_metering(project, ct_primary_a=50, meter_asset_no="3310001239999")
    day = advance(project, staff, until=lambda p: p.status == "completed")
    due = db.session.scalar(db.select(Deadline).where(Deadline.kind == "return_visit",
                                                      Deadline.subject_id == project.id))  # fmt: skip
    assert (due.owner_id, due.limit_workdays, due.starts_on) == (manager.id, 5, day)

    with pytest.raises(UtilityCRMError, match="不满意"):  # dissatisfied says with what
        return_visits.record(project, day=day, satisfaction=Satisfaction.DISSATISFIED,
                             remarks=" ", actor=manager, calendar=WorkCalendar(), today=day)  # fmt: skip
    visit = return_visits.record(
        project, day=day, satisfaction=Satisfaction.DISSATISFIED, remarks="装表接电延误两天",
        actor=manager, calendar=WorkCalendar(), today=day,
    )  # fmt: skip
    db.session.commit()
    assert due.finished_on == day and visit.needs_follow_up
    follow = db.session.scalar(db.select(Deadline).where(
        Deadline.kind == "satisfaction_follow_up", Deadline.subject_id == project.id))  # fmt: skip
    assert follow.is_open and follow.owner_id == manager.id
    with pytest.raises(UtilityCRMError, match="已记录"):
        return_visits.record(project, day=day, satisfaction=Satisfaction.SATISFIED, remarks="",
                             actor=manager, calendar=WorkCalendar(), today=day)  # fmt: skip

    return_visits.follow_up(project, day=day, note="主管致电致歉并说明原因", actor=staff,
                            calendar=WorkCalendar(), today=day)  # fmt: skip
    db.session.commit()
    assert follow.finished_on == day and not visit.needs_follow_up
    figures = queries.monthly(date(2026, 9, 1), date(2026, 12, 31))["high_voltage"]
    [month] = [m for m in figures if m.completed]
    assert (month.visited, month.satisfied, month.satisfaction_rate) == (1, 0, 0.0)
    assert [p.return_visit.satisfaction for p in queries.for_customer(project.customer_id)] == ["2"]


def test_the_return_visit_is_recorded_on_the_page_and_shown_on_the_customer(
    client, login_as, users
):
    manager, staff = users[Role.ACCOUNT_MANAGER], users[Role.MARKETING]
    project = accept(new_connection(factories.create_line(), manager), staff)
    record_hv_metering(project, ct_primary_a=50, meter_asset_no="3310001238888")
    day = advance(project, staff, until=lambda p: p.status == "completed")
    login_as(Role.ACCOUNT_MANAGER)
    url = f"/projects/{project.number}"
    assert 'id="return-visit-form"' in client.get(url).get_data(as_text=True)
    r = client.post(url + "/return-visit", follow_redirects=True, data={"day": day.isoformat(), "satisfaction": "5",
                                             "remarks": "服务周到"})  # fmt: skip
    assert r.status_code == 200
    page = client.get(url).get_data(as_text=True)
    assert "非常满意" in page and "服务周到" in page and 'id="return-visit-form"' not in page
    customer = client.get(f"/archive/customers/{project.customer.account_no}")
    assert "project-rating" in customer.get_data(as_text=True)
    account = client.get(f"/accounts/customers/{project.customer.account_no}")
    ratings = account.get_data(as_text=True).split('id="account-ratings"')[1]
    assert project.number in ratings and "非常满意" in ratings
    report = client.get("/projects/report?start=2026-09-01&end=2026-12-31").get_data(as_text=True)
    assert 'id="months-high_voltage"' in report and "100%" in report


def test_the_printable_forms_carry_the_stage_they_record(client, login_as, users):
    manager, staff = users[Role.ACCOUNT_MANAGER], users[Role.MARKETING]
    project = accept(new_connection(factories.create_line(name="城西五线"), manager), staff)
    record_hv_metering(project, ct_primary_a=50, meter_asset_no="3310001237777")
    day = _at(project, staff, "design_review")
    prepare_stage(project, staff, day)
    defects.raise_defects(project, ["接地装置图缺失"], day=day, actor=staff,
                          calendar=WorkCalendar(), today=day)  # fmt: skip
    db.session.commit()
    login_as(Role.INSPECTOR)
    url = f"/projects/{project.number}/forms"
    page = client.get(f"/projects/{project.number}").get_data(as_text=True)
    assert f'href="{url}/connection.pdf"' in page
    accepted = pdf_text(client.get(f"{url}/accept.pdf").data)
    assert "业务受理单" in accepted and "城西五线" in accepted and "主体资格证明" in accepted
    review = pdf_text(client.get(f"{url}/design_review.pdf").data)
    assert "设计文件审查意见单" in review and "接地装置图缺失" in review
    assert "示范电力设计院有限公司" in review and "尚未通过" in review
    work = pdf_text(client.get(f"{url}/connection.pdf").data)
    assert "3310001237777" in work and "50/5" in work
    assert client.get(f"{url}/execute.pdf").status_code == 404  # not of this chain


def _profile_form(**changes) -> dict[str, str]:
    form = {"code": "prov-2027", "name": "省公司考核标准 2027", "effective_on": "2027-01-01",
            "is_default": "y", **{f"limit_{k}": str(v) for k, v in PROVINCIAL["limits"].items()}}  # fmt: skip
    form.update(changes)
    return form


def test_administrators_keep_the_time_limit_profiles_projects_keep_theirs(client, login_as, users):
    manager, staff = users[Role.ACCOUNT_MANAGER], users[Role.MARKETING]
    before = accept(new_connection(factories.create_line(), manager), staff)
    sgcc = before.profile
    login_as(Role.ADMIN)
    page = client.get("/projects/profiles/new?copy=provincial").get_data(as_text=True)
    assert 'value="15"' in page  # the copy's limits, to change
    refused = client.post("/projects/profiles/new", data=_profile_form(limit_plan_single="0"),
                          follow_redirects=True)  # fmt: skip
    assert refused.status_code == 200 and "prov-2027" not in str(
        db.session.scalars(db.select(TimeLimitProfile.code)).all())  # fmt: skip
    client.post("/projects/profiles/new", data=_profile_form(limit_plan_single="12"))
    new = db.session.scalar(db.select(TimeLimitProfile).where(TimeLimitProfile.code == "prov-2027"))
    assert new.limits["plan_single"] == 12 and new.is_default

    # The profile in use keeps its limits; a name may change. Every change is recorded.
    edit = _profile_form(code=sgcc.code, name="国网承诺", effective_on=sgcc.effective_on.isoformat(),
                         **{f"limit_{k}": str(v) for k, v in sgcc.limits.items()})  # fmt: skip
    edit["limit_plan_single"] = "8"
    page = client.post(f"/projects/profiles/{sgcc.code}/edit", data=edit, follow_redirects=True)
    assert "保留其时限" in page.get_data(as_text=True)
    db.session.refresh(sgcc)
    assert sgcc.limits["plan_single"] == 10
    edit["limit_plan_single"] = "10"
    client.post(f"/projects/profiles/{sgcc.code}/edit", data=edit)
    db.session.refresh(sgcc)
    assert sgcc.name == "国网承诺"
    history = client.get("/projects/profiles").get_data(as_text=True)
    assert 'id="profile-history"' in history and "省公司考核标准 2027" in history

    # Defaults by day: 2026 applications keep SGCC's, 2027 ones take the new profile.
    assert acceptance.default_profile(MONDAY).id == sgcc.id
    assert acceptance.default_profile(date(2027, 3, 1)).id == new.id
    assert workflow.clocks(before)["plan"].limit_workdays == 10
