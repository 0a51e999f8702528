"""A full validation run on a million-customer archive: time, peak memory, the floor, and
the same run spread over worker processes.

    .venv/bin/python bench/validate.py [--customers N] [--faults RATE] [--workers N]
                                       [--parts N] [--jobs-url URL] [--json FILE]

Seeds the demo utility once, with archive faults for the rules to find (a SQLite file in
bench/data/, or DATABASE_URL), and reuses it. Each measurement runs in a process of its
own, so its peak memory (max RSS) is its own:

- run 1: a whole-archive run that creates every finding;
- floor: every row a run reads (each table's columns that the rules' rows hold), read
  once with the driver's cursor: no joins, no groupings, nothing else;
- run 2: the nightly case, the same run again (findings still open), in one process;
- run 3 (PostgreSQL): the nightly case cut into --parts parts, done by the run's own
  process and --workers − 1 `flask jobs worker` processes on the queue at --jobs-url
  (Redis by default, as workers on several hosts would share it).
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_app, ensure_archive, figure, peak_memory_mb, write_figures
from utilitycrm.core.extensions import db

ROOT = Path(__file__).resolve().parents[1]


def _run(name: str, settings: dict, out) -> None:
    """A whole-archive run as its job does it here."""
    app = bench_app(name, **settings)
    with app.app_context():
        from utilitycrm.validation import jobs, services

        baseline = peak_memory_mb()
        started = time.perf_counter()
        run = services.begin_run({}, trigger="cli", actor=None)
        db.session.commit()
        jobs.start(run, services.Scope(), actor_id=None, here=True)
        run = db.session.get(type(run), run.id)
        seconds = time.perf_counter() - started
        if run.status != "done":
            raise SystemExit(f"the run failed: {run.error}")
        out.put(
            {
                "seconds": seconds,
                "peak_mb": peak_memory_mb(),
                "baseline_mb": baseline,
                "customers": run.customers_checked,
                "counts": run.counts,
                "indicators": run.indicators,
            }
        )


def _floor_statements() -> list[str]:
    """Every row a run reads, once: each table's columns that the rules' rows hold
    (`validation.facts`), whole, without joins, groupings or conditions."""
    from sqlalchemy import select
    from sqlalchemy.dialects import postgresql, sqlite

    from utilitycrm.archive import models
    from utilitycrm.contracts.models import Contract
    from utilitycrm.validation import facts

    tables = [
        (facts.Customer, models.Customer), (facts.Source, models.PowerSource),
        (facts.MeteringPoint, models.MeteringPoint), (facts.Meter, models.Meter),
        (facts.Transformer, models.Transformer), (facts.Node, models.NetworkNode),
        (facts.Line, models.FeederLine), (facts.Substation, models.Substation),
        (facts.Tariff, models.Tariff),
    ]  # fmt: skip
    statements = [
        select(*(getattr(model, f.name) for f in dataclasses.fields(row))) for row, model in tables
    ]
    edge = models.NetworkEdge
    statements.append(select(edge.id, edge.code, edge.kind, edge.from_node_id, edge.to_node_id,
                             edge.is_closed))  # fmt: skip
    statements.append(select(Contract.id, Contract.customer_id, Contract.number,
                             Contract.status, Contract.ends_on, Contract.frozen_data))  # fmt: skip
    dialect = postgresql.dialect() if db.engine.dialect.name == "postgresql" else sqlite.dialect()
    return [str(statement.compile(dialect=dialect)) for statement in statements]


def _floor(name: str, out) -> None:
    """The rows-only floor: `_floor_statements` on the raw driver connection, every row
    fetched (the validation reads these rows and does everything else on top)."""
    app = bench_app(name)
    with app.app_context():
        statements = _floor_statements()
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            rows = 0
            started = time.perf_counter()
            for statement in statements:
                cursor.execute(statement)
                while batch := cursor.fetchmany(10_000):
                    rows += len(batch)
            seconds = time.perf_counter() - started
        finally:
            raw.close()
    out.put({"seconds": seconds, "rows": rows, "statements": len(statements),
             "peak_mb": peak_memory_mb()})  # fmt: skip


def _start_workers(count: int, jobs_url: str, folder: str) -> list[subprocess.Popen]:
    environment = os.environ | {
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "UTILITYCRM_JOBS_URL": jobs_url,
        "SECRET_KEY": "bench",
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "flask", "--app", "utilitycrm", "jobs", "worker",
               "--threads", "1", "--no-schedule"]  # fmt: skip
    return [
        subprocess.Popen(
            command,
            cwd=folder,
            env=environment,
            stdout=(Path(folder) / f"worker-{number}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        for number in range(count)
    ]


def _stop(workers: list[subprocess.Popen]) -> None:
    for process in workers:
        process.send_signal(signal.SIGINT)
    for process in workers:
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


def _empty_queue(jobs_url: str) -> None:
    if jobs_url.startswith("redis://"):
        import redis

        redis.Redis.from_url(jobs_url).flushdb()


def _in_child(target, *args) -> dict:
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    process = context.Process(target=target, args=(*args, out))
    process.start()
    result = out.get()
    process.join()
    if process.exitcode:
        raise SystemExit(f"{target.__name__} failed with exit code {process.exitcode}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--faults", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=2, help="processes of the spread run")
    parser.add_argument("--parts", type=int, default=0, help="default: 4 a worker")
    parser.add_argument("--jobs-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--json", metavar="FILE", help="write the figures there")
    args = parser.parse_args()

    name = f"validate-{args.customers}-{args.faults}"
    app = bench_app(name)
    seeded = ensure_archive(app, args.customers, fault_rate=args.faults)
    if seeded is not None:
        print(f"seeded {args.customers:,} customers (fault rate {args.faults}) in {seeded:.0f} s")
    backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    spread = backend.startswith("postgresql") and args.workers > 1
    parts = args.parts or 4 * args.workers

    with tempfile.TemporaryDirectory() as folder:
        first = _in_child(_run, name, {})
        floor = _in_child(_floor, name)
        second = _in_child(_run, name, {})
        third = None
        if spread:
            _empty_queue(args.jobs_url)
            workers = _start_workers(args.workers - 1, args.jobs_url, folder)
            try:
                time.sleep(3)  # the workers start up
                settings = {"VALIDATION_PARTS": parts, "JOBS_URL": args.jobs_url}
                third = _in_child(_run, name, settings)
            finally:
                _stop(workers)

    counts = first["counts"]
    print(f"validation of {first['customers']:,} customers on {backend}")
    print(
        f"findings: {counts.get('error', 0):,} errors, {counts.get('warning', 0):,} warnings, "
        f"{counts.get('info', 0):,} information; indicators {first['indicators']}"
    )
    print(f"{'measurement':<44} {'seconds':>9} {'× floor':>8} {'peak RSS MB':>12}")
    print(
        f"{'floor: every row read once, driver cursor':<44} {floor['seconds']:>9.1f} {1:>8.1f} "
        f"{floor['peak_mb']:>12.0f}"
    )
    measured = [("run 1 (findings created)", first), ("run 2 (nightly repeat)", second)]
    if third is not None:
        label = f"run 3 (nightly, {parts} parts, {args.workers} workers)"
        measured.append((label, third))
    for label, result in measured:
        print(
            f"{label:<44} {result['seconds']:>9.1f} {result['seconds'] / floor['seconds']:>8.1f} "
            f"{result['peak_mb']:>12.0f}"
        )
    print(
        f"floor: {floor['statements']} statements, {floor['rows']:,} rows; "
        f"process baseline before a run: {first['baseline_mb']:.0f} MB"
    )
    figures = {
        "run_created": _figure(first["seconds"], floor["seconds"]),
        "run_nightly": _figure(second["seconds"], floor["seconds"]),
    }
    if third is not None:
        if third["counts"] != second["counts"]:
            raise SystemExit(f"the spread run found otherwise: {third['counts']}")
        speedup = second["seconds"] / third["seconds"]
        per_worker = first["customers"] / third["seconds"] / args.workers
        print(
            f"speed-up with {args.workers} workers: {speedup:.2f}× (the same findings); "
            f"{per_worker:,.0f} customers/s a worker"
        )
        for millions in (10, 30):
            for workers in (args.workers, 8, 16):
                hours = millions * 1e6 / (per_worker * workers) / 3600
                print(f"projected: {millions} M customers on {workers} workers: {hours:.2f} h")
        figures["run_spread"] = _figure(third["seconds"], floor["seconds"])
        figures["speedup"] = {"value": round(speedup, 2), "unit": "×", "floor": 1.0,
                              "ratio": round(speedup, 2)}  # fmt: skip
        figures["customers_per_second_per_worker"] = {
            "value": round(per_worker), "unit": "customers/s", "floor": None, "ratio": None
        }  # fmt: skip
    write_figures(args.json, figures)


def _figure(seconds: float, floor: float) -> dict:
    return figure(seconds, floor, "s")


if __name__ == "__main__":
    main()
