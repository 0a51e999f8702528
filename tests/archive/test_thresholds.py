"""The one dated home of business limits: every limit is named and grouped for the page,
and a set from a date is what every wing reads from that day on."""

from __future__ import annotations

import dataclasses
from datetime import date

from tests.factories import create_user
from utilitycrm.archive.standards import DEFAULT, Standards
from utilitycrm.archive.thresholds import (
    STANDARD_GROUPS,
    STANDARD_LABELS,
    add_threshold_set,
    dated_standards,
    standards_on,
)
from utilitycrm.auth.roles import Role


def test_every_limit_has_a_label_and_exactly_one_group():
    names = [field.name for field in dataclasses.fields(Standards)]
    grouped = [name for _title, members in STANDARD_GROUPS for name in members]
    assert sorted(grouped) == sorted(names)
    assert set(STANDARD_LABELS) == set(names)


def test_six_months_of_pause_are_183_days_on_both_sides():
    assert DEFAULT.pause_max_months == 6
    assert DEFAULT.pause_max_days == 183


def test_a_set_applies_from_its_day_and_keeps_the_defaults_it_leaves_out():
    admin = create_user(role=Role.ADMIN, username="limits-admin")
    add_threshold_set(
        {"visit_months_a": 2, "value_share_a": 0.25},
        effective_on=date(2026, 7, 1),
        note="",
        actor=admin,
    )
    assert standards_on(date(2026, 6, 30)) == DEFAULT
    assert dated_standards(date(2026, 6, 30)) == (DEFAULT, None)
    july = standards_on(date(2026, 7, 1))
    assert july.visit_months("A") == 2
    assert july.value_shares == {"A": 0.25, "B": 0.3}
    assert july.complaint_resolve_workdays == DEFAULT.complaint_resolve_workdays
    assert dated_standards(date(2027, 1, 1))[1] == date(2026, 7, 1)
