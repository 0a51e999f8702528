"""A full validation run on a million-customer archive: time, peak memory, and the floor.

    .venv/bin/python bench/validate.py [--customers N] [--faults RATE]

Seeds the demo utility once, with archive faults for the rules to find (a SQLite file in
bench/data/, or DATABASE_URL), and reuses it. Each measurement runs in a process of its
own, so its peak memory (max RSS) is its own:

- run 1: a whole-archive run that creates every finding;
- floor: the SELECT statements run 1 issued, re-executed once with the driver's cursor
  and every row fetched (reading the same rows, nothing else);
- run 2: the nightly case, the same run again (findings still open).
"""

from __future__ import annotations

import argparse
import multiprocessing
import pickle
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event

from bench.common import bench_app, ensure_archive
from utilitycrm.core.extensions import db


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run(name: str, capture: str | None, out) -> None:
    """A whole-archive run; with `capture`, the SELECTs it issued are pickled there."""
    app = bench_app(name)
    with app.app_context():
        from utilitycrm.validation import services

        selects: list[tuple[str, object]] = []

        def keep(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith("SELECT"):
                selects.append((statement, parameters))

        baseline = _peak_mb()
        if capture:
            event.listen(db.engine, "before_cursor_execute", keep)
        started = time.perf_counter()
        run = services.begin_run({}, trigger="cli", actor=None)
        db.session.commit()
        run = services.execute_run(run.id, services.Scope())
        seconds = time.perf_counter() - started
        if capture:
            event.remove(db.engine, "before_cursor_execute", keep)
            Path(capture).write_bytes(pickle.dumps(selects))
        out.put(
            {
                "seconds": seconds,
                "peak_mb": _peak_mb(),
                "baseline_mb": baseline,
                "customers": run.customers_checked,
                "counts": run.counts,
                "indicators": run.indicators,
            }
        )


def _floor(name: str, capture: str, out) -> None:
    """Re-execute the captured SELECTs on the raw driver connection, fetching every row."""
    app = bench_app(name)
    selects = pickle.loads(Path(capture).read_bytes())
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            rows = 0
            started = time.perf_counter()
            for statement, parameters in selects:
                cursor.execute(statement, parameters)
                while batch := cursor.fetchmany(10_000):
                    rows += len(batch)
            seconds = time.perf_counter() - started
        finally:
            raw.close()
    out.put({"seconds": seconds, "rows": rows, "statements": len(selects), "peak_mb": _peak_mb()})


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
    args = parser.parse_args()

    name = f"validate-{args.customers}-{args.faults}"
    app = bench_app(name)
    seeded = ensure_archive(app, args.customers, fault_rate=args.faults)
    if seeded is not None:
        print(f"seeded {args.customers:,} customers (fault rate {args.faults}) in {seeded:.0f} s")
    backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]

    with tempfile.TemporaryDirectory() as folder:
        capture = str(Path(folder) / "selects.pickle")
        first = _in_child(_run, name, capture)
        floor = _in_child(_floor, name, capture)
        second = _in_child(_run, name, None)

    counts = first["counts"]
    print(f"validation of {first['customers']:,} customers on {backend}")
    print(
        f"findings: {counts.get('error', 0):,} errors, {counts.get('warning', 0):,} warnings, "
        f"{counts.get('info', 0):,} information; indicators {first['indicators']}"
    )
    print(f"{'measurement':<36} {'seconds':>9} {'× floor':>8} {'peak RSS MB':>12}")
    print(
        f"{'floor: the same SELECTs, rows fetched':<36} {floor['seconds']:>9.1f} {1:>8.1f} "
        f"{floor['peak_mb']:>12.0f}"
    )
    for label, result in (("run 1 (findings created)", first), ("run 2 (nightly repeat)", second)):
        print(
            f"{label:<36} {result['seconds']:>9.1f} {result['seconds'] / floor['seconds']:>8.1f} "
            f"{result['peak_mb']:>12.0f}"
        )
    print(
        f"floor: {floor['statements']} statements, {floor['rows']:,} rows; "
        f"process baseline before a run: {first['baseline_mb']:.0f} MB"
    )


if __name__ == "__main__":
    main()
