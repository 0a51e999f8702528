"""A legacy archive comes in with its errors: one consistency error of each rule family is
counted by the dry run, imported as it is, and reported by the first validation."""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import select

from tests.archive.test_workbook_import import content, count, messages, run, workbook
from tests.clock import TODAY
from tests.conftest import empty_all_tables
from utilitycrm.archive.models import Customer
from utilitycrm.archive.workbook.export import export_workbook
from utilitycrm.archive.workbook.layout import SHEETS
from utilitycrm.core.extensions import db
from utilitycrm.validation.models import Finding
from utilitycrm.validation.registry import Family
from utilitycrm.validation.services import begin_run, execute_run
from utilitycrm.validation.snapshot import Scope


def _sheets() -> dict[str, list[dict]]:
    """The exported archive as rows keyed by column, ready to be edited and written back."""
    book = content(export_workbook().getvalue())
    sheets = {}
    for sheet in SHEETS:
        _header, *rows = book[sheet.title]
        keys = [column.key for column in sheet.columns]
        sheets[sheet.key] = [dict(zip(keys, row, strict=False)) for row in rows]
    return sheets


def _found() -> set[tuple[str, str]]:
    """(rule, 户号) of the open findings of a full run."""
    validation = begin_run({}, trigger="cli", actor=None)
    db.session.commit()
    execute_run(validation.id, Scope(), today=TODAY)
    accounts = dict(db.session.execute(select(Customer.id, Customer.account_no)).all())
    findings = db.session.scalars(select(Finding).where(Finding.status == "open"))
    return {(f.rule_id, accounts.get(f.customer_id)) for f in findings}


def _pick(rows: list[dict], taken: set, **wanted) -> dict:
    """The first row of a customer not used yet whose values match `wanted`."""
    row = next(
        r for r in rows
        if r.get("account_no") not in taken and all(test(r.get(k)) for k, test in wanted.items())
    )  # fmt: skip
    taken.add(row["account_no"])
    return row


def test_one_error_of_each_family_goes_in_and_comes_back_as_a_finding(runner, app):
    seeded = runner.invoke(args=["demo", "seed", "--customers", "150", "--faults", "0"])
    assert seeded.exit_code == 0, seeded.output
    clean = _found()
    sheets = _sheets()
    taken: set[str] = set()
    has = bool
    with_transformers = {t["account_no"] for t in sheets["transformers"] if t["account_no"]}
    fed = {t["source_code"] for t in sheets["transformers"] if t["source_code"]}

    # completeness: no phone
    quiet = _pick(sheets["customers"], taken, phone=has)
    quiet["phone"] = None
    # capacity: a contract capacity the transformers do not add up to
    sized = _pick(sheets["customers"], taken, account_no=with_transformers.__contains__)
    sized["contract_capacity_kva"] += 500
    # tariff: two-part without its basis (the forms refuse it; a legacy archive has it)
    billed = _pick(sheets["customers"], taken)
    billed.update(tariff_structure="two_part", basic_charge_basis=None)
    # metering: 高供高计 without a PT
    point = _pick(sheets["metering_points"], taken)
    point.update(method="hv_hv", pt_ratio=None)
    # identity: one meter number on two customers' meters
    points_of = {p["code"]: p["account_no"] for p in sheets["metering_points"]}
    free = [m for m in sheets["meters"] if points_of[m["metering_point_code"]] not in taken]
    first = free[0]
    second = next(m for m in free if points_of[m["metering_point_code"]]
                  != points_of[first["metering_point_code"]])  # fmt: skip
    taken.update(
        {points_of[first["metering_point_code"]], points_of[second["metering_point_code"]]}
    )
    second["asset_no"] = first["asset_no"]
    # topology: a source recorded on another line than the network traces
    source = _pick(sheets["sources"], taken, code=fed.__contains__, line_code=has)
    other = next(line for line in sheets["lines"] if line["code"] != source["line_code"])
    source.update(line_code=other["code"], line_name=other["name"])
    # contract: a paper contract stating another capacity than the archive
    paper = next(c for c in sheets["contracts"] if c["paper_kva"] and c["account_no"] not in taken)
    paper["paper_kva"] += 100
    expected = {
        ("completeness.missing_phone", quiet["account_no"]),
        ("capacity.transformer_sum", sized["account_no"]),
        ("tariff.two_part", billed["account_no"]),
        ("metering.hv_without_pt", point["account_no"]),
        ("identity.duplicate_meter", points_of[first["metering_point_code"]]),
        ("topology.line_mismatch", source["account_no"]),
        ("contract.stale", paper["account_no"]),
    }
    assert not expected & clean  # none of them was there before

    empty_all_tables(keep=("app_user", "security_event"))
    trial = run(workbook(sheets), dry_run=True)
    assert trial.plan.ok and not trial.committed, messages(trial)[:5]
    assert count(Customer) == 0  # the dry run tried the rows and kept none
    with force_locale("en"):  # the preview counts the consistency problems of every family
        counted = {str(label): found for label, found in trial.consistency}
    # Line losses need readings, which an archive does not carry: every other family.
    for family in set(Family) - {Family.LINE_LOSS}:  # a finding a (rule, customer) the run reports
        pairs = {pair for pair in clean | expected if pair[0].startswith(f"{family.value}.")}
        assert counted.get(str(family.label), 0) >= len(pairs) > 0, (family, counted)
    result = run(workbook(sheets))
    assert result.committed, messages(result)[:5]
    assert expected <= _found()
