"""`flask contracts`: render a draft; expiry, reminders and alerts from the shell."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from utilitycrm.archive.queries import customer_by_account_no
from utilitycrm.contracts import documents, services, terms
from utilitycrm.contracts.types import ContractKind
from utilitycrm.core.config import SUPPORTED_LOCALES
from utilitycrm.core.dates import local_today
from utilitycrm.core.extensions import db
from utilitycrm.deadlines.cli import alerts_command


@click.group("contracts")
def contracts_cli() -> None:
    """Supply contracts (供用电合同)."""


@contracts_cli.command("render")
@click.argument("account_no")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--lang", type=click.Choice(SUPPORTED_LOCALES), default=None)
def render(account_no: str, out: Path, lang: str | None) -> None:
    """Render a draft contract for ACCOUNT_NO from today's archive (nothing is recorded)."""
    customer = customer_by_account_no(account_no)
    if customer is None:
        raise click.ClickException(f"there is no account numbered {account_no}")
    data = terms.contract_data(customer)
    missing = terms.missing(data)
    if missing:
        raise click.ClickException("the archive lacks: " + "; ".join(missing))
    particulars = documents.Particulars(
        number="DRAFT", kind=ContractKind.for_voltage(customer.voltage_kv)
    )
    pdf = documents.render(
        particulars, data, language=lang or current_app.config["BABEL_DEFAULT_LOCALE"]
    )
    out.write_bytes(pdf)
    click.echo(f"{out}: {len(pdf):,} bytes")


@contracts_cli.command("daily")
def daily() -> None:
    """What the daily job does: contracts past their term expire, and signed contracts
    without a renewal reminder (imported ones) get one."""
    done = services.run_daily(local_today())
    db.session.commit()
    click.echo(
        f"{done['expired']} contract(s) expired; {done['reminders_opened']} renewal reminder(s) "
        "opened"
    )


contracts_cli.add_command(
    alerts_command(
        (services.KIND,),
        "Contracts due for renewal or expired; --send mails each account manager once "
        "per contract and threshold.",
    )
)
