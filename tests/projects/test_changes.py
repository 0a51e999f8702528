"""Changes of use: the rules that refuse an application, and what completion writes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests import factories
from tests.projects.conftest import accept, change, new_connection
from tests.validation.dbarchive import key_account
from utilitycrm.archive.thresholds import add_threshold_set, standards_on
from utilitycrm.core.extensions import db
from utilitycrm.deadlines.calendar import WorkCalendar
from utilitycrm.projects import acceptance, rules, workflow
from utilitycrm.projects.types import BusinessType as T

AHEAD = date(2026, 10, 16)  # five working days after MONDAY is 10 October


def refused(request, actor) -> str:
    with pytest.raises(acceptance.ProjectRefused) as error:
        acceptance.accept(request, actor=actor, calendar=WorkCalendar(), today=request.accepted_on)
    db.session.rollback()
    return " ".join(error.value.messages)


def complete(project, actor):
    day = project.accepted_on
    while project.is_active:
        day += timedelta(days=1)
        workflow.finish_stage(project, day=day, note="", actor=actor, calendar=WorkCalendar(),
                              today=day)  # fmt: skip
    db.session.commit()


def test_a_change_is_requested_five_working_days_ahead(manager, staff):
    account = key_account()
    request = change(account.customer, T.RENAME, manager, new_name="新名称有限公司",
                     effective_on=date(2026, 10, 9))  # fmt: skip
    assert "最早生效日为 2026-10-10" in refused(request, staff)
    request.effective_on = date(2026, 10, 10)
    assert accept(request, staff).stages[1].code == "execute"


def test_a_suspension_lasts_fifteen_days_to_six_months_a_year(manager, staff):
    account = key_account()
    transformer = account.transformer.id
    short = change(account.customer, T.SUSPEND, manager, acted_on=[transformer],
                   effective_on=AHEAD, ends_on=AHEAD + timedelta(days=14))  # fmt: skip
    assert "不得少于 15 天" in refused(short, staff)
    long = change(account.customer, T.SUSPEND, manager, acted_on=[transformer],
                  effective_on=date(2026, 4, 1), ends_on=date(2026, 10, 31),
                  on=date(2026, 3, 2))  # fmt: skip
    assert "不得超过 6 个月（183 天）" in refused(long, staff)


def test_the_suspension_limit_is_the_dated_one_validation_uses(manager, staff):
    """One limit, one home: an administrator's set from a date shortens the pauses that an
    application may ask for, as it shortens what the validation accepts."""
    account = key_account()
    transformer = account.transformer.id
    request = change(account.customer, T.SUSPEND, manager, acted_on=[transformer],
                     effective_on=AHEAD, ends_on=AHEAD + timedelta(days=70))  # fmt: skip
    assert rules.refusals(acceptance.application(request, None, WorkCalendar())) == []
    add_threshold_set({"pause_max_months": 2}, effective_on=date(2026, 1, 1), note="",
                      actor=staff)  # fmt: skip
    assert standards_on(AHEAD).pause_max_days == 61
    request = change(account.customer, T.SUSPEND, manager, acted_on=[transformer],
                     effective_on=AHEAD, ends_on=AHEAD + timedelta(days=70))  # fmt: skip
    assert "不得超过 2 个月（61 天）" in refused(request, staff)


def test_a_suspension_counts_the_earlier_ones_of_the_year(manager, staff):
    account = key_account()
    first = change(account.customer, T.SUSPEND, manager, acted_on=[account.transformer.id],
                   effective_on=date(2026, 3, 9), ends_on=date(2026, 7, 1),
                   on=date(2026, 3, 2))  # fmt: skip
    complete(accept(first, staff, today=date(2026, 3, 2)), staff)
    assert account.transformer.state == "paused"
    assert account.customer.operating_capacity_kva == 0
    restore = change(account.customer, T.SUSPEND_RESTORE, manager,
                     acted_on=[account.transformer.id], effective_on=date(2026, 7, 1),
                     on=date(2026, 6, 22))  # fmt: skip
    complete(accept(restore, staff, today=date(2026, 6, 22)), staff)
    second = change(account.customer, T.SUSPEND, manager, acted_on=[account.transformer.id],
                    effective_on=AHEAD, ends_on=AHEAD + timedelta(days=90))  # fmt: skip
    # 114 days from March to July, and 77 of this one before the new year.
    assert "2026 年累计 191 天" in refused(second, staff)


def test_a_reduction_restored_after_two_years_is_an_increase(manager, staff):
    account = key_account()
    spare = factories.create_transformer(account.customer, code="T-SPARE", rated_kva=400)
    reduce = change(account.customer, T.REDUCE, manager, acted_on=[spare.id],
                    effective_on=date(2024, 3, 11), on=date(2024, 3, 1))  # fmt: skip
    complete(accept(reduce, staff, today=date(2024, 3, 1)), staff)
    assert spare.state == "sealed"
    assert account.customer.contract_capacity_kva == 630 - 400
    restore = change(account.customer, T.REDUCE_RESTORE, manager, acted_on=[spare.id],
                     effective_on=AHEAD)  # fmt: skip
    assert "请按增容办理" in refused(restore, staff)
    in_time = change(account.customer, T.REDUCE_RESTORE, manager, acted_on=[spare.id],
                     effective_on=date(2026, 3, 2), on=date(2026, 2, 16))  # fmt: skip
    complete(accept(in_time, staff, today=date(2026, 2, 16)), staff)
    assert spare.state == "running"
    assert account.customer.contract_capacity_kva == 630


def test_reductions_act_on_whole_transformers_and_not_all_of_them(manager, staff):
    account = key_account()
    everything = change(account.customer, T.REDUCE, manager, acted_on=[account.transformer.id],
                        effective_on=AHEAD)  # fmt: skip
    assert "全部减容应办理暂停或销户" in refused(everything, staff)
    none = change(account.customer, T.REDUCE, manager, effective_on=AHEAD)
    assert "按整台" in refused(none, staff)


def test_a_move_to_a_new_supply_point_is_a_new_connection(manager, staff):
    account = key_account()
    request = change(account.customer, T.RELOCATE, manager, new_address="新区2号",
                     new_supply_point=True, effective_on=AHEAD)  # fmt: skip
    assert "属于新装" in refused(request, staff)


def test_one_project_at_a_time_per_customer(manager, staff):
    account = key_account()
    accept(change(account.customer, T.RENAME, manager, new_name="甲", effective_on=AHEAD), staff)
    second = change(account.customer, T.CATEGORY_CHANGE, manager,
                    new_category="general_commercial", effective_on=AHEAD)  # fmt: skip
    assert "该客户有在途工单" in refused(second, staff)


def test_a_change_needs_an_account_and_an_applicant_cannot_change(manager, staff):
    prospective = accept(new_connection(factories.create_line(), manager), staff).customer
    request = change(prospective, T.RENAME, manager, new_name="乙", effective_on=AHEAD)
    assert "仍在报装中" in refused(request, staff)


def test_split_merge_and_close_rewrite_the_accounts(manager, staff):
    first, second = key_account(), key_account(tariff=False)
    extra = factories.create_transformer(first.customer, code="T-EXTRA", rated_kva=400,
                                         source_id=first.source.id)  # fmt: skip
    split = change(first.customer, T.SPLIT, manager, new_name="分出公司", acted_on=[extra.id],
                   effective_on=AHEAD)  # fmt: skip
    project = accept(split, staff)
    complete(project, staff)
    new = project.created_customer
    assert (new.name, [t.code for t in new.transformers]) == ("分出公司", ["T-EXTRA"])
    assert new.sources[0].line_id == first.source.line_id
    assert extra.source_id == new.sources[0].id

    merge = change(first.customer, T.MERGE, manager, other_account_no=second.customer.account_no,
                   effective_on=AHEAD)  # fmt: skip
    complete(accept(merge, staff), staff)
    assert second.customer.status == "closed"
    assert second.transformer.customer_id == first.customer.id
    assert first.customer.operating_capacity_kva == 630 + 630

    close = change(first.customer, T.CLOSE, manager, effective_on=AHEAD)
    complete(accept(close, staff), staff)
    assert first.customer.status == "closed"
    assert {t.state for t in first.customer.transformers} == {"removed"}
    assert first.customer.operating_capacity_kva == 0
