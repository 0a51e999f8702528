"""`flask network`: readings, line losses, open capacity and the CIM export from the shell."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from sqlalchemy import select

from utilitycrm.archive.models import FeederLine
from utilitycrm.core.dates import local_today
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.core.jobs import JobStatus
from utilitycrm.network import capacity, cim, jobs, losses, readings
from utilitycrm.network.types import LossKind


@click.group("network")
def network_cli() -> None:
    """The network: readings and line losses."""


def _month(_context, _parameter, value: str) -> date:
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is no month; write it as 2026-10.") from error


def result_document(result) -> dict:
    return {
        "kind": result.kind.value,
        "line": result.line.code if result.line else None,
        "line_name": result.line.name if result.line else None,
        "transformer": result.transformer.code if result.transformer else None,
        "supplied_kwh": result.supplied_kwh,
        "sold_kwh": result.sold_kwh,
        "rate": None if result.rate is None else round(result.rate, 6),
        "band": result.band.value,
        "counted": result.counted,
    }


@network_cli.command("losses")
@click.option("--month", required=True, callback=_month, help="The month, as 2026-10.")
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write every line's and 台区's result to this JSON file.",
)
def losses_command(month: date, json_path: Path | None) -> None:
    """Compute a month's losses of every line and 台区 (as a job, here) and print the
    counts by band and the worst lines."""
    try:
        job = jobs.start(month, actor_id=None, here=True)
    except UtilityCRMError as error:
        raise click.ClickException(str(error.message)) from error
    if job.status is not JobStatus.DONE:
        raise click.ClickException(f"The computation failed: {job.error}")
    counts = job.result
    for kind in LossKind:
        bands = ", ".join(f"{band} {n}" for band, n in sorted(counts.get(kind.value, {}).items()))
        click.echo(f"{kind.value}: {bands or 'none'}")
    worst = losses.ranked(month, losses.LossFilter(abnormal=True), page=1, per_page=10, limit=10)
    for result in worst.items:
        click.echo(f"  {result.line.code} {result.line.name}: {100 * result.rate:.1f}% "
                   f"({result.band.value})")  # fmt: skip
    if json_path:
        everything = losses.ranked(month, losses.LossFilter(), page=1, per_page=10**7,
                                   limit=10**7).items  # fmt: skip
        everything += losses.ranked(month, losses.LossFilter(kind=LossKind.AREA), page=1,
                                    per_page=10**7, limit=10**7).items  # fmt: skip
        json_path.write_text(json.dumps(
            {"month": month.isoformat()[:7], "counts": counts,
             "results": [result_document(r) for r in everything]},
            ensure_ascii=False, indent=1), encoding="utf-8")  # fmt: skip
        click.echo(f"Results written to {json_path}.")


@network_cli.command("readings")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check only, write nothing.")
def readings_command(path: Path, dry_run: bool) -> None:
    """Import line head and 台区 readings from a workbook, a CSV file, a zip of them or a
    folder of CSV files."""
    result = readings.import_file(path, path.name, today=local_today(), dry_run=dry_run)
    if result.problems:
        for p in result.problems[:50]:
            click.echo(f"{p.sheet} {p.row or ''} {p.column}: {p.value} — {p.message}", err=True)
        raise click.ClickException(f"{len(result.problems)} problems; nothing was written.")
    if dry_run:
        click.echo(f"The file is correct: {result.count} rows would be written.")
        return
    db.session.commit()
    click.echo(f"{result.inserted} months added, {result.updated} updated.")


@network_cli.command("cim")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option(
    "--line", "line_codes", multiple=True, help="Only this line (its number); repeatable."
)
def cim_command(path: Path, line_codes: tuple[str, ...]) -> None:
    """Write the network and the customers' connections as CIM/XML (CIM16 RDF)."""
    selection = cim.Selection()
    if line_codes:
        found = dict(db.session.execute(
            select(FeederLine.code, FeederLine.id).where(FeederLine.code.in_(line_codes))).all())  # fmt: skip
        unknown = sorted(set(line_codes) - set(found))
        if unknown:
            raise click.ClickException(f"No line has the number {', '.join(unknown)}.")
        selection = cim.Selection(tuple(found.values()))
    counts = cim.export(path, selection)
    click.echo(
        f"Written to {path}: " + ", ".join(f"{n:,} {cls}" for cls, n in sorted(counts.items()))
    )


@network_cli.command("capacity")
@click.option(
    "--line", "line_codes", multiple=True, help="Only this line (its number); repeatable."
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write every line's figures to this JSON file.",
)
def capacity_command(line_codes: tuple[str, ...], json_path: Path | None) -> None:
    """Print each line's open capacity (可开放容量) and where its figures come from."""
    query = select(FeederLine).order_by(FeederLine.name_sort)
    if line_codes:
        query = query.where(FeederLine.code.in_(line_codes))
    lines = list(db.session.scalars(query))
    unknown = sorted(set(line_codes) - {line.code for line in lines})
    if unknown:
        raise click.ClickException(f"No line has the number {', '.join(unknown)}.")
    found = capacity.capacities(lines, local_today())
    rows = []
    for line in lines:
        cap = found[line.id]
        rows.append({"line": line.code, "name": line.name, "rating_kva": cap.rating_kva,
                     "share": cap.share, "share_source": cap.share_source,
                     "allowable_kva": cap.allowable_kva, "peak_kva": cap.peak_kva,
                     "peak_source": cap.peak_source, "open_kva": cap.open_kva})  # fmt: skip
        click.echo(f"{line.code} {line.name}: open {cap.open_kva:,} kVA (allowable "
                   f"{cap.allowable_kva:,} = {cap.share:.0%} {cap.share_source}; peak "
                   f"{cap.peak_kva:,} from {cap.peak_source})")  # fmt: skip
    if json_path:
        json_path.write_text(json.dumps({"lines": rows}, ensure_ascii=False, indent=1),
                             encoding="utf-8")  # fmt: skip
        click.echo(f"Written to {json_path}.")
