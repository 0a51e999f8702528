"""Property: generated archives without faults give no error; every injected fault is
found by a rule of its family, pointing at the object the fault broke."""

from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import empty_all_tables
from utilitycrm.core.extensions import db
from utilitycrm.demo.models import DemoFault
from utilitycrm.validation.models import Finding

pytestmark = pytest.mark.commits  # each example seeds a demo archive in many commits

SETTINGS = settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _seed_and_validate(runner, customers: int, seed: int, faults: str) -> list[Finding]:
    empty_all_tables()
    result = runner.invoke(
        args=[
            "demo",
            "seed",
            "--customers",
            str(customers),
            "--seed",
            str(seed),
            "--faults",
            faults,
        ]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["validate", "run"])
    assert result.exit_code == 0, result.output
    return list(db.session.scalars(select(Finding)))


@SETTINGS
@given(customers=st.integers(1200, 3000), seed=st.integers(1, 10_000))
def test_a_clean_demo_archive_has_no_error(runner, customers, seed):
    findings = _seed_and_validate(runner, customers, seed, "0")
    assert [(f.rule_id, f.message) for f in findings if f.severity == "error"] == []


@SETTINGS
@given(seed=st.integers(1, 10_000))
def test_every_injected_fault_is_found_by_its_family(runner, seed):
    findings = _seed_and_validate(runner, 4000, seed, "0.6")
    pointed_at = defaultdict(set)  # (family, object type, object id) → rules
    for finding in findings:
        for ref in finding.objects:
            pointed_at[(finding.family, ref["type"], ref["id"])].add(finding.rule_id)
    faults = list(db.session.scalars(select(DemoFault)))
    assert len({fault.kind for fault in faults}) >= 15
    missed = [
        (fault.kind, fault.object_type, fault.object_id)
        for fault in faults
        if not pointed_at[(fault.family, fault.object_type, fault.object_id)]
    ]
    assert missed == []
