"""Value classes: ranks, weights, shares, ties, customers without data, the command."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.accounts.conftest import TODAY, managed, year
from utilitycrm.accounts import classes
from utilitycrm.archive.models import ArchiveChange
from utilitycrm.archive.thresholds import add_threshold_set
from utilitycrm.core.extensions import db


def test_percentile_ranks_share_ties():
    assert classes.percentile_ranks({1: 10, 2: 20, 3: 20, 4: 40}) == {
        1: 0.0, 2: 0.5, 3: 0.5, 4: 1.0,
    }  # fmt: skip
    assert classes.percentile_ranks({7: 5}) == {7: 1.0}


def test_shares_decide_a_and_b_and_ties_at_the_cut_take_the_better_class():
    ids = list(range(1, 11))
    scores = {i: i / 10 for i in ids}
    assigned = classes.assign(ids, scores, {"A": 0.2, "B": 0.3})
    assert [assigned[i].value for i in ids] == ["C"] * 5 + ["B"] * 3 + ["A"] * 2
    scores[8] = scores[9]  # tied with the second A
    assert classes.assign(ids, scores, {"A": 0.2, "B": 0.3})[8].value == "A"
    other = classes.assign(ids, scores, {"A": 0.5, "B": 0.5})
    assert sorted(v.value for v in other.values()).count("A") >= 5


def test_a_customer_without_data_is_c_and_does_not_take_a_share():
    ids = [1, 2, 3]
    figures = [classes.Figures(1, 1000, 600, 900), classes.Figures(2, 0, 0, 0),
               classes.Figures(3, 10, 6, 10)]  # fmt: skip
    scores = classes.scores(figures, {"consumption": 1, "revenue": 1, "growth": 1})
    assert set(scores) == {1, 3}
    assigned = classes.assign(ids, scores, {"A": 0.5, "B": 0.0})
    assert (assigned[1].value, assigned[2].value, assigned[3].value) == ("A", "C", "C")


def test_classify_saves_changes_in_the_history_and_a_dry_run_saves_nothing(manager, app):
    big, middle, small, silent = (managed(manager) for _ in range(4))
    year(big, 900_000, prior=800_000)
    year(middle, 300_000, prior=300_000)
    year(small, 50_000, prior=60_000)
    # An administrator's dated set puts the top 30 % in class A from yesterday on.
    add_threshold_set(
        {"value_share_a": 0.3}, effective_on=TODAY - timedelta(days=1), note="", actor=manager
    )
    changes, counts = classes.classify(TODAY, dry_run=True)
    assert {c.account_no: c.new for c in changes} == {
        big.account_no: "A", middle.account_no: "B", small.account_no: "C",
        silent.account_no: "C",
    }  # fmt: skip
    assert counts == {"A": 1, "B": 1, "C": 2}
    db.session.rollback()
    assert big.value_class is None
    add_threshold_set(
        {"value_share_a": 0.3}, effective_on=TODAY - timedelta(days=1), note="", actor=manager
    )
    classes.classify(TODAY, dry_run=False)
    db.session.commit()
    assert (big.value_class, middle.value_class, small.value_class) == ("A", "B", "C")
    recorded = db.session.scalars(
        select(ArchiveChange).where(ArchiveChange.field == "value_class")
    ).all()
    assert {(c.customer_id, c.new_value) for c in recorded} >= {(big.id, "A"), (middle.id, "B")}


def test_weights_change_the_order(manager, app):
    steady, growing = managed(manager), managed(manager)
    year(steady, 500_000, prior=500_000)
    year(growing, 400_000, prior=100_000)
    figures = classes.load_figures([steady.id, growing.id], TODAY)
    by_energy = classes.scores(figures, {"consumption": 1, "revenue": 0, "growth": 0})
    by_growth = classes.scores(figures, {"consumption": 0, "revenue": 0, "growth": 1})
    assert by_energy[steady.id] > by_energy[growing.id]
    assert by_growth[growing.id] > by_growth[steady.id]


def test_the_command(runner, manager):
    customer = managed(manager)
    year(customer, 100_000)
    result = runner.invoke(args=["accounts", "classify", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"{customer.account_no}" in result.output and "(dry run)" in result.output
    result = runner.invoke(args=["accounts", "classify"])
    assert result.exit_code == 0, result.output
    db.session.refresh(customer)
    assert customer.value_class == "A"
