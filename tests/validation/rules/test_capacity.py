from datetime import UTC, date, datetime

from tests.validation.builder import hits, one_line_archive, refs
from utilitycrm.validation.facts import StateChange


def test_operating_and_contract_capacity_against_the_transformers():
    archive, *_, customer, _source, _transformer, _point = one_line_archive()
    archive.replace(customer, operating_capacity_kva=580, contract_capacity_kva=700)
    found = {h.key: h for h in hits(archive, "capacity.transformer_sum")}
    assert found["operating"].params == {"recorded": 580, "expected": 630}
    assert found["contract"].params == {"recorded": 700, "expected": 630}
    assert refs(found["operating"]) == [("customer", customer.id)]


def test_operating_above_contract():
    archive, *_, customer, _source, _transformer, _point = one_line_archive()
    assert hits(archive, "capacity.operating_above_contract") == []
    archive.replace(customer, contract_capacity_kva=500)
    (hit,) = hits(archive, "capacity.operating_above_contract")
    assert hit.params == {"operating": 630, "contract": 500}


def test_pause_beyond_six_months_in_the_year():
    archive, *_, _customer, _source, transformer, _point = one_line_archive()
    archive.replace(transformer, state="paused")
    # Paused on 1 March: 264 days by 20 November, beyond 6 months.
    archive.state_changes[transformer.id] = [
        StateChange(datetime(2026, 3, 1, tzinfo=UTC), "running", "paused")
    ]
    (hit,) = hits(archive, "capacity.pause_too_long")
    assert refs(hit)[0] == ("transformer", transformer.id)
    assert hit.params["days"] == (date(2026, 11, 20) - date(2026, 3, 1)).days


def test_a_short_pause_and_a_pause_of_unknown_start_are_not_judged():
    archive, *_, _customer, _source, transformer, _point = one_line_archive()
    archive.replace(transformer, state="paused")
    assert hits(archive, "capacity.pause_too_long") == []  # no history: start unknown
    archive.state_changes[transformer.id] = [
        StateChange(datetime(2026, 9, 1, tzinfo=UTC), "running", "paused")
    ]
    assert hits(archive, "capacity.pause_too_long") == []


def test_pauses_add_up_over_the_year():
    archive, *_, _customer, _source, transformer, _point = one_line_archive()
    archive.state_changes[transformer.id] = [
        StateChange(datetime(2026, 1, 5, tzinfo=UTC), "running", "paused"),
        StateChange(datetime(2026, 5, 5, tzinfo=UTC), "paused", "running"),
        StateChange(datetime(2026, 8, 1, tzinfo=UTC), "running", "paused"),
        StateChange(datetime(2026, 10, 15, tzinfo=UTC), "paused", "running"),
    ]
    (hit,) = hits(archive, "capacity.pause_too_long")
    assert hit.params["days"] == 120 + 75  # beyond 183 days, though each pause is shorter
