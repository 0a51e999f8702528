"""`flask archive ...`: the archive's workbook from the shell (for scripts and migrations)."""

from __future__ import annotations

import sys
import time
import zipfile
from pathlib import Path

import click
from sqlalchemy import select

from utilitycrm.archive.jobs import refresh_if_bulk, refuse_if_busy
from utilitycrm.archive.models import FeederLine, PowerSource
from utilitycrm.archive.workbook.export import export_csv, export_workbook, template_workbook
from utilitycrm.archive.workbook.importing import import_limits, import_workbook
from utilitycrm.core.extensions import db
from utilitycrm.core.jobs import JobRefused


@click.group()
def archive() -> None:
    """The customer archive."""


@archive.command("export")
@click.argument("path", type=click.Path(writable=True, path_type=Path))
@click.option(
    "--line", "line_codes", multiple=True, help="Only this line (its number); repeatable."
)
def export(path: Path, line_codes: tuple[str, ...]) -> None:
    """Write the archive (or some lines and their customers) to PATH: a workbook (.xlsx),
    a zip of CSV files (.zip), or else a folder of CSV files, one a sheet."""
    line_ids = customer_ids = None
    if line_codes:
        known = set(
            db.session.scalars(select(FeederLine.code).where(FeederLine.code.in_(line_codes)))
        )
        if unknown := sorted(set(line_codes) - known):
            raise click.ClickException(f"Unknown line numbers: {', '.join(unknown)}")
        line_ids = select(FeederLine.id).where(FeederLine.code.in_(line_codes))
        customer_ids = select(PowerSource.customer_id).where(PowerSource.line_id.in_(line_ids))
    chosen = {"customer_ids": customer_ids, "line_ids": line_ids}
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        path.write_bytes(export_workbook(**chosen).getvalue())
    elif suffix == ".zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
            export_csv(lambda name: bundle.open(name, "w"), **chosen)
    else:
        if path.exists() and not path.is_dir():
            raise click.ClickException(f"{path} is a file; name a folder, a .zip or a .xlsx.")
        path.mkdir(parents=True, exist_ok=True)
        export_csv(lambda name: (path / name).open("wb"), **chosen)
    click.echo(f"Archive written to {path}.")


@archive.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and preview only; write nothing.")
@click.option(
    "--network-sync",
    is_flag=True,
    help="A GIS extract: its nodes and edges replace those of the lines it names.",
)
def import_(path: Path, dry_run: bool, network_sync: bool) -> None:
    """Import PATH: a workbook, a sheet.csv, a zip of CSV files or a folder of them (the
    sheets in any order); all of it, or nothing when anything is wrong."""
    if not dry_run:
        try:
            refuse_if_busy()
        except JobRefused as refused:
            raise click.ClickException(str(refused.message)) from refused
    if path.is_dir() and not any(path.glob("*.csv")):
        raise click.ClickException(f"{path} holds no CSV files (customers.csv, lines.csv …).")
    bar = ShellProgress()
    result = import_workbook(path, path.name, actor=None, dry_run=dry_run,
                             network_sync=network_sync, limits=import_limits(shell=True),
                             progress=bar)  # fmt: skip
    bar.close()
    for sheet, counts in result.plan.counts.items():
        if counts:
            summary = ", ".join(f"{action} {count}" for action, count in sorted(counts.items()))
            click.echo(f"{sheet:<16} {summary}")
    for problem in result.problems:
        where = " ".join(part for part in (problem.sheet, f"row {problem.row}" if problem.row else "",
                                           problem.column) if part)  # fmt: skip
        value = f" [{problem.value}]" if problem.value else ""
        click.echo(f"{where}{value}: {problem.message}", err=True)
    if result.consistency:
        found = ", ".join(f"{label} {count:,}" for label, count in result.consistency)
        click.echo(f"The first validation will report: {found}")
    if result.network is not None:
        _echo_network(result.network)
    if result.problems:
        raise click.ClickException(f"{len(result.problems)} problems; nothing was imported.")
    if dry_run:
        click.echo("Dry run: nothing was written.")
        return
    db.session.commit()
    if refresh_if_bulk(result.batch):
        db.session.commit()
    click.echo(f"Imported {path.name} (sha256 {result.sha256[:16]}).")


class ShellProgress:
    """An import's progress on stderr: one line a stage, redrawn in place on a terminal
    (each half second at most), its last count kept when the next stage starts."""

    def __init__(self) -> None:
        self.stage: str | None = None
        self.line = ""
        self.drawn = 0.0
        self.live = sys.stderr.isatty()
        self.started = time.monotonic()

    def __call__(
        self, done: int, total: int | None = None, *, stage: str | None = None, part: str = ""
    ):
        if stage != self.stage:
            self.close()
            self.stage, self.started = stage, time.monotonic()
        counted = f"{done:,}" + (f" / {total:,}" if total else "")
        percent = f" {100 * done // total:3d}%" if total else ""
        elapsed = time.monotonic() - self.started
        left = ""
        if total and done and done < total:
            left = f", about {elapsed / done * (total - done):.0f} s left"
        where = f"{stage} · {part}" if part else stage  # the sheet, as its CSV file is named
        self.line = f"{where}: {counted} rows{percent}{left}"
        if self.live and time.monotonic() - self.drawn >= 0.5:
            click.echo(f"\r{self.line}\033[K", nl=False, err=True)
            self.drawn = time.monotonic()

    def close(self) -> None:
        """End the current stage's line with its last count."""
        if self.line:
            click.echo(f"\r{self.line}\033[K" if self.live else self.line, err=True)
        self.line = ""


def _echo_network(report) -> None:
    click.echo(f"sections added:   {', '.join(report.sections_added) or '-'}")
    click.echo(f"sections removed: {', '.join(report.sections_removed) or '-'}")
    for code, before, after in report.switches_changed:
        states = {True: "closed", False: "open"}
        click.echo(f"switch {code}: {states[before]} -> {states[after]}")
    for code, before, after in report.transformers_moved:
        click.echo(f"transformer {code}: {before or 'not fed'} -> {after or 'not fed'}")


@archive.command("template")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def template(path: Path) -> None:
    """Write the empty import workbook, with its notes sheet, to PATH."""
    path.write_bytes(template_workbook().getvalue())
    click.echo(f"Template written to {path}.")
