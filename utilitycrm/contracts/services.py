"""The contract registry's operations: draft, sign (freeze), attach a scan, end, expire.

Each changes the session only; the caller commits, so a refusal leaves nothing behind.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from utilitycrm.archive.history import ChangeSource, recording
from utilitycrm.archive.models import Customer
from utilitycrm.archive.thresholds import standards_on
from utilitycrm.auth.models import User
from utilitycrm.contracts import documents, terms
from utilitycrm.contracts.models import Contract, ContractEvent, ContractFile
from utilitycrm.contracts.types import ContractEventKind, ContractKind, ContractStatus
from utilitycrm.core.dates import add_months
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.files import safe_name, sniff
from utilitycrm.core.numbering import next_number
from utilitycrm.deadlines import services as deadlines
from utilitycrm.deadlines.models import Deadline

KIND = "contract"  # the deadlines' kind of a contract's expiry reminder
EXPIRY = "expiry"
NUMBER_SEQUENCE = "contract"


# What a scan of the signed paper may be, by the bytes it starts with.
class ContractRefused(UtilityCRMError):
    """The archive lacks what a contract needs; `missing` lists all of it."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(
            _l("The contract cannot be made; the archive lacks: %(items)s.",
               items="; ".join(missing))
        )  # fmt: skip
        self.missing = missing


def _recorded(actor: User | None, reason: str = ""):
    """Register changes are audited like the archive's (the caller flushes inside)."""
    return recording(actor, source=ChangeSource.CONTRACT, reason=reason)


def _free_number(year: int) -> str:
    """The sequence's next number that no imported (legacy) contract holds already."""
    pattern = current_app.config["CONTRACT_NUMBER_PATTERN"]
    while True:
        number = next_number(NUMBER_SEQUENCE, pattern, year)
        if db.session.scalar(select(Contract.id).where(Contract.number == number)) is None:
            return number


def _event(contract: Contract, kind: ContractEventKind, actor: User | None, note: str = "") -> None:
    contract.events.append(
        ContractEvent(kind=kind.value, actor_id=actor.id if actor else None, note=note)
    )


def current_data(contract: Contract) -> dict:
    """The data a draft prints today (a signed contract prints its frozen data instead)."""
    project = contract.project if contract.project_id else None
    return terms.contract_data(contract.customer, project=project)


@dataclass(frozen=True)
class DraftRequest:
    language: str = "zh_CN"
    starts_on: date | None = None
    ends_on: date | None = None
    project: object | None = None  # the expansion project at its contract stage


def create_draft(
    customer: Customer, request: DraftRequest, *, actor: User, today: date
) -> Contract:
    """A numbered draft, refused with every missing item while the archive is not ready.

    The number is taken now, so the draft the customer reviews carries the number it will
    be signed under; a draft abandoned is terminated, never deleted, so numbers have no gaps.
    """
    if customer.is_closed:
        raise UtilityCRMError(_l("A closed account gets no new contract."))
    project = request.project
    if project is not None and (project.customer_id != customer.id or not project.is_active):
        raise UtilityCRMError(_l("The project is not an open project of this customer."))
    missing = terms.missing(terms.contract_data(customer, project=project))
    if missing:
        raise ContractRefused(missing)
    kind = ContractKind.for_voltage(customer.voltage_kv)
    starts_on = request.starts_on or today
    standards = standards_on(starts_on)
    years = (
        standards.contract_term_years_hv
        if kind is ContractKind.HIGH_VOLTAGE
        else standards.contract_term_years_lv
    )
    ends_on = request.ends_on or add_months(starts_on, 12 * years)
    _check_term(starts_on, ends_on)
    in_force = in_force_for(customer.id)
    contract = Contract(
        number=_free_number(today.year),
        customer=customer,
        kind=kind.value,
        language=request.language,
        project_id=project.id if project is not None else None,
        replaces_id=in_force.id if in_force else None,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by_id=actor.id,
    )
    with _recorded(actor):
        db.session.add(contract)
        _event(contract, ContractEventKind.DRAFTED, actor)
        db.session.flush()
    return contract


@dataclass(frozen=True)
class PaperContract:
    """A contract signed on paper, as the register's form or a workbook row gives it."""

    number: str
    kind: str
    signed_on: date
    starts_on: date
    ends_on: date
    customer_signatory: str | None = None
    utility_signatory: str | None = None
    paper_kva: int | None = None
    paper_demand_kw: int | None = None
    paper_line_id: int | None = None
    paper_backup_line_id: int | None = None
    paper_tariff_code: str | None = None
    paper_boundary: str | None = None


def save_paper(
    customer: Customer,
    paper: PaperContract,
    *,
    actor: User,
    today: date,
    contract: Contract | None = None,
) -> Contract:
    """Register a contract signed on paper, or correct the entry of one; in force until its
    term ends (then expired), a terminated one stays terminated."""
    if contract is not None and not contract.is_paper:
        raise UtilityCRMError(_l("A contract made in utilitycrm changes only by its own steps."))
    if contract is None and customer.is_closed:
        raise UtilityCRMError(_l("A closed account gets no new contract."))
    number = paper.number.strip()
    taken = db.session.scalar(select(Contract.id).where(Contract.number == number))
    if taken is not None and (contract is None or taken != contract.id):
        raise UtilityCRMError(_l("Contract number %(number)s is taken.", number=number))
    _check_term(paper.starts_on, paper.ends_on)
    if paper.paper_line_id and paper.paper_line_id == paper.paper_backup_line_id:
        raise UtilityCRMError(_l("The backup line is another line than the main one."))
    if paper.signed_on > today:
        raise UtilityCRMError(_l("A contract is registered once it is signed."))
    is_new = contract is None
    if is_new:
        contract = Contract(customer=customer, created_by_id=actor.id)
    with _recorded(actor):
        for name, value in vars(paper).items():
            setattr(contract, name, (value.strip() or None) if isinstance(value, str) else value)
        contract.number = number
        if contract.status != ContractStatus.TERMINATED.value:
            in_force = paper.ends_on >= today
            contract.status = (ContractStatus.SIGNED if in_force else ContractStatus.EXPIRED).value
            contract.ended_on = None if in_force else paper.ends_on
        if is_new:
            db.session.add(contract)
        _event(contract, ContractEventKind.REGISTERED if is_new else ContractEventKind.CORRECTED,
               actor)  # fmt: skip
        db.session.flush()
        _keep_reminder(contract, today)
        db.session.flush()
    return contract


def _keep_reminder(contract: Contract, today: date) -> None:
    """The renewal reminder follows a corrected term: moved, reopened or closed."""
    if not contract.is_signed:
        _close_reminder(contract, today)
        return
    reminder = db.session.scalar(
        select(Deadline).where(Deadline.kind == KIND, Deadline.subject_id == contract.id,
                               Deadline.key == EXPIRY)
    )  # fmt: skip
    if reminder is None:
        _open_reminder(contract, today)
    else:
        for name, day in _reminder_dates(contract, today).items():
            setattr(reminder, name, day)
        reminder.finished_on = None


def _check_term(starts_on: date, ends_on: date) -> None:
    if ends_on <= starts_on:
        raise UtilityCRMError(_l("The contract must end after it starts."))


def in_force_for(customer_id: int) -> Contract | None:
    return db.session.scalar(
        select(Contract)
        .where(Contract.customer_id == customer_id, Contract.status == ContractStatus.SIGNED.value)
        .order_by(Contract.signed_on.desc(), Contract.id.desc())
        .limit(1)
    )


def particulars(contract: Contract) -> documents.Particulars:
    return documents.Particulars(
        number=contract.number,
        kind=contract.kind_enum,
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        signed_on=contract.signed_on,
        customer_signatory=contract.customer_signatory or "",
        utility_signatory=contract.utility_signatory or "",
        is_draft=contract.is_draft,
    )


def render_draft(contract: Contract, *, language: str | None = None) -> bytes:
    if not contract.is_draft:
        raise UtilityCRMError(
            _l("Only a draft is rendered; a signed contract is served as frozen.")
        )
    return documents.render(
        particulars(contract), current_data(contract), language=language or contract.language
    )


@dataclass(frozen=True)
class Signing:
    signed_on: date
    starts_on: date
    ends_on: date
    customer_signatory: str
    utility_signatory: str


def sign(contract: Contract, signing: Signing, *, actor: User, today: date) -> None:
    """Freeze the draft as signed: the PDF, its SHA-256, the data and the template version.

    The archive is read again now, so the frozen contract holds what the archive says on
    the day it is signed; the contract it replaces ends, and the expiry reminder opens.
    """
    if not contract.is_draft:
        raise UtilityCRMError(_l("Only a draft can be signed."))
    if signing.signed_on > today:
        raise UtilityCRMError(_l("A contract cannot be signed in the future."))
    _check_term(signing.starts_on, signing.ends_on)
    if not signing.customer_signatory.strip() or not signing.utility_signatory.strip():
        raise UtilityCRMError(_l("Name who signed for each party."))
    data = current_data(contract)
    missing = terms.missing(data)
    if missing:
        raise ContractRefused(missing)
    with _recorded(actor, str(_l("Contract %(number)s signed", number=contract.number))):
        _freeze(contract, signing, data, actor)
        replaced = contract.replaces
        if replaced is not None and replaced.is_signed:
            _end(replaced, ContractStatus.TERMINATED, signing.starts_on, actor,
                 str(_l("Replaced by contract %(number)s.", number=contract.number)))  # fmt: skip
        db.session.flush()
    _open_reminder(contract, today)


def _freeze(contract: Contract, signing: Signing, data: dict, actor: User) -> None:
    contract.signed_on = signing.signed_on
    contract.starts_on, contract.ends_on = signing.starts_on, signing.ends_on
    contract.customer_signatory = signing.customer_signatory.strip()
    contract.utility_signatory = signing.utility_signatory.strip()
    contract.status = ContractStatus.SIGNED.value
    pdf = documents.render(particulars(contract), data, language=contract.language)
    contract.template_version = documents.TEMPLATE_VERSIONS[contract.kind_enum]
    contract.frozen_data = data
    contract.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    contract.files.append(
        ContractFile(
            role="signed",
            filename=f"{contract.number}.pdf",
            media_type="application/pdf",
            size=len(pdf),
            sha256=contract.pdf_sha256,
            content=pdf,
            uploaded_by_id=actor.id,
        )
    )
    _event(contract, ContractEventKind.SIGNED, actor)


def _reminder_dates(contract: Contract, today: date) -> dict[str, date]:
    notice = timedelta(days=standards_on(today).contract_notice_days)
    return {"starts_on": contract.signed_on, "due_on": contract.ends_on,
            "warn_on": contract.ends_on - notice}  # fmt: skip


def _open_reminder(contract: Contract, today: date) -> None:
    deadlines.open_date_deadline(
        KIND,
        contract.id,
        EXPIRY,
        owner_id=contract.customer.account_manager_id,
        customer_id=contract.customer_id,
        **_reminder_dates(contract, today),
    )


def _close_reminder(contract: Contract, day: date) -> None:
    db.session.execute(
        update(Deadline)
        .where(Deadline.kind == KIND, Deadline.subject_id == contract.id,
               Deadline.finished_on.is_(None))
        .values(finished_on=day)
    )  # fmt: skip


def _end(contract: Contract, status: ContractStatus, day: date, actor, reason: str) -> None:
    contract.status = status.value
    contract.ended_on = day
    contract.end_reason = reason
    kind = (
        ContractEventKind.EXPIRED
        if status is ContractStatus.EXPIRED
        else ContractEventKind.TERMINATED
    )
    _event(contract, kind, actor, reason)
    _close_reminder(contract, day)


def terminate(contract: Contract, *, day: date, reason: str, actor: User, today: date) -> None:
    """End a signed contract early, or abandon a draft (its number stays in the registry)."""
    if contract.status not in (ContractStatus.DRAFT.value, ContractStatus.SIGNED.value):
        raise UtilityCRMError(_l("Only a draft or a contract in force can be terminated."))
    if not reason.strip():
        raise UtilityCRMError(_l("Say why the contract ends."))
    if day > today:
        raise UtilityCRMError(_l("A contract is terminated today or on an earlier day."))
    with _recorded(actor, reason.strip()):
        _end(contract, ContractStatus.TERMINATED, day, actor, reason.strip())
        db.session.flush()


def expire_due(today: date) -> list[Contract]:
    """Signed contracts whose term has passed become expired (the daily job)."""
    due = list(
        db.session.scalars(
            select(Contract).where(
                Contract.status == ContractStatus.SIGNED.value, Contract.ends_on < today
            )
        )
    )
    with _recorded(None):
        for contract in due:
            _end(contract, ContractStatus.EXPIRED, contract.ends_on, None,
                 str(_l("The term ended on %(day)s.", day=contract.ends_on.isoformat())))  # fmt: skip
        db.session.flush()
    return due


def open_missing_reminders(today: date) -> int:
    """Renewal reminders for signed contracts that have none (those a workbook brought in)."""
    reminded = select(Deadline.subject_id).where(Deadline.kind == KIND)
    contracts = list(
        db.session.scalars(
            select(Contract)
            .where(Contract.status == ContractStatus.SIGNED.value, Contract.id.not_in(reminded))
            .options(joinedload(Contract.customer))
        )
    )
    for contract in contracts:
        _open_reminder(contract, today)
    return len(contracts)


def run_daily(today: date) -> dict[str, int]:
    """The day's housekeeping (a scheduled job; idempotent): contracts past their term
    expire, signed contracts without a renewal reminder get one."""
    return {"expired": len(expire_due(today)), "reminders_opened": open_missing_reminders(today)}


def renew(contract: Contract, *, actor: User, today: date) -> Contract:
    """A draft for the next term from today's archive; signing it ends this one."""
    if contract.status not in (ContractStatus.SIGNED.value, ContractStatus.EXPIRED.value):
        raise UtilityCRMError(_l("Only a signed or expired contract is renewed."))
    starts_on = max(today, contract.ends_on) if contract.ends_on else today
    return create_draft(
        contract.customer,
        DraftRequest(language=contract.language, starts_on=starts_on),
        actor=actor,
        today=today,
    )


def attach_scan(contract: Contract, *, data: bytes, filename: str, actor: User) -> ContractFile:
    """Keep a scan of the signed paper beside the frozen PDF (earlier scans are kept too)."""
    if contract.status == ContractStatus.DRAFT.value or contract.signed_on is None:
        raise UtilityCRMError(_l("A scan is attached to a signed contract."))
    known = sniff(data)
    if known is None:
        raise UtilityCRMError(_l("A scan must be a PDF, JPEG or PNG file."))
    if len(data) > current_app.config["CONTRACT_SCAN_MAX_BYTES"]:
        raise UtilityCRMError(_l("The scan is larger than the limit."))
    item = ContractFile(
        role="scan",
        filename=safe_name(filename, known[1], "scan"),
        media_type=known[0],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        uploaded_by_id=actor.id,
    )
    with _recorded(actor):
        contract.files.append(item)
        contract.scan_sha256 = item.sha256
        _event(contract, ContractEventKind.SCAN, actor, item.filename)
        db.session.flush()
    return item


# -- staleness ---------------------------------------------------------------------------


def stale_changes(contracts: list[Contract]) -> dict[int, list[terms.Change]]:
    """Contract id → the tracked terms the archive no longer agrees with, for signed
    contracts: frozen here or stated on paper (their customers loaded in one batch)."""
    signed = [c for c in contracts if c.is_signed]
    papers = terms.paper_terms(c for c in signed if c.is_paper)
    customers = terms.load_customers({c.customer_id for c in signed})
    result = {}
    for contract in signed:
        current = terms.terms(terms.contract_data(customers[contract.customer_id]))
        pair = terms.compared(contract.frozen_data, papers.get(contract.id), current)
        if pair is not None:
            result[contract.id] = terms.differences(*pair)
    return result


def contract_stage_refusal(project, _day: date) -> object | None:
    """A project's contract stage ends only once its supply contract is signed (whatever
    the day it finishes)."""
    signed = db.session.scalar(
        select(Contract.id)
        .where(Contract.project_id == project.id, Contract.status == ContractStatus.SIGNED.value)
        .limit(1)
    )
    if signed is None:
        return _l("Sign the project's supply contract first: the contract stage ends with it.")
    return None
