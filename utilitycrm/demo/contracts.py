"""Demo supply contracts: a few signed ones (one due for renewal), a draft, and a few
signed on paper before utilitycrm (one of which, with faults, states another capacity and
line than the archive), so that the register, the reminders, the customer pages and the
contract rules have something to show."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from utilitycrm.archive.enums import SourceKind
from utilitycrm.archive.models import Customer, FeederLine
from utilitycrm.auth.models import User
from utilitycrm.contracts import services, terms
from utilitycrm.contracts.types import ContractKind
from utilitycrm.core.dates import add_months
from utilitycrm.core.extensions import db

SIGNED = 5  # then one draft
PAPER = 3  # then contracts signed on paper


def seed_contracts(today: date, *, misrecorded: bool = False) -> int:
    """Contracts for the first high-voltage customers whose archive is complete."""
    actor = db.session.scalar(select(User).where(User.username == "marketing"))
    candidates = db.session.scalars(
        select(Customer.id).where(Customer.voltage_kv != "0.4").order_by(Customer.id).limit(40)
    ).all()
    ready = [
        customer
        for customer in terms.load_customers(candidates).values()
        if not terms.missing(terms.contract_data(customer))
    ][: SIGNED + 1 + PAPER]
    for index, customer in enumerate(ready[SIGNED + 1 :]):
        last = index == PAPER - 1
        services.save_paper(
            customer, _paper(customer, index, today, misrecorded=misrecorded and last),
            actor=actor, today=today,
        )  # fmt: skip
    for index, customer in enumerate(ready[: SIGNED + 1]):
        # Signed over the last years; the first one ends within the renewal notice.
        signed_on = add_months(today, -58 - index) if index == 0 else add_months(today, -index * 7)
        contract = services.create_draft(
            customer,
            services.DraftRequest(starts_on=signed_on, ends_on=add_months(signed_on, 60)),
            actor=actor,
            today=today,
        )
        if index < SIGNED:
            services.sign(
                contract,
                services.Signing(signed_on, signed_on, contract.ends_on, "法定代表人", "王敏"),
                actor=actor,
                today=today,
            )
    return len(ready)


def _paper(customer: Customer, index: int, today: date, *, misrecorded: bool):
    """A legacy contract's entry as typed in from its paper: the archive's terms, or, when
    misrecorded, 80% of the capacity and another line of the substation."""
    lines = {source.kind: source.line for source in customer.sources if source.line}
    main, backup = lines.get(SourceKind.MAIN.value), lines.get(SourceKind.BACKUP.value)
    kva = customer.contract_capacity_kva
    if misrecorded and main is not None:
        kva = max(1, round(kva * 0.8))
        taken = [line.id for line in lines.values()]
        main = db.session.scalar(
            select(FeederLine).where(FeederLine.substation_id == main.substation_id,
                                     FeederLine.id.not_in(taken)).limit(1)
        ) or main  # fmt: skip
    signed_on = add_months(today, -30 - 6 * index)
    return services.PaperContract(
        number=f"GY-{signed_on.year}-{index + 1:04d}",
        kind=ContractKind.for_voltage(customer.voltage_kv).value,
        signed_on=signed_on,
        starts_on=signed_on,
        ends_on=add_months(signed_on, 60),
        customer_signatory="法定代表人",
        utility_signatory="王敏",
        paper_kva=kva,
        paper_demand_kw=customer.contract_demand_kw,
        paper_line_id=main.id if main else None,
        paper_backup_line_id=backup.id if backup else None,
        paper_tariff_code=customer.tariff_code,
        paper_boundary="；".join(
            s.property_boundary for s in customer.sources if s.property_boundary
        )
        or None,
    )
