"""Shared by the benchmarks: a demo archive of given parameters, built once and reused
(rebuilt when they differ), the timing of calls and the figures of `--json FILE`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select

from utilitycrm import create_app
from utilitycrm.archive.models import Customer
from utilitycrm.core.config import Config
from utilitycrm.core.database import refresh_statistics
from utilitycrm.core.extensions import db
from utilitycrm.demo import seeding

DATA = Path(__file__).resolve().parent / "data"


def bench_app(name: str, **overrides):
    """The app on DATABASE_URL, or on a SQLite file of this benchmark's own."""
    DATA.mkdir(exist_ok=True)
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA / name}.sqlite"
    settings = {key: getattr(Config, key) for key in dir(Config) if key.isupper()}
    settings.update(SECRET_KEY="bench", SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=False)
    settings.update(overrides)
    app = create_app(settings)
    # The request log is written (its cost is the app's) but not onto the figures.
    logging.getLogger("utilitycrm.requests").handlers = [logging.FileHandler(os.devnull)]
    return app


SEEDS = DATA / "seeds.json"  # database URL → the parameters its archive was seeded with


def _seeded_with(url: str) -> dict | None:
    return json.loads(SEEDS.read_text()).get(url) if SEEDS.exists() else None


def _record_seed(url: str, parameters: dict) -> None:
    seeds = json.loads(SEEDS.read_text()) if SEEDS.exists() else {}
    seeds[url] = parameters
    SEEDS.write_text(json.dumps(seeds, indent=2))


def _rebuild(url: str) -> None:
    """Empty a benchmark's own database (one `seeds.json` records) to seed it anew."""
    db.session.remove()
    db.engine.dispose()
    if db.engine.dialect.name == "sqlite":
        database = Path(db.engine.url.database)
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            path.unlink(missing_ok=True)
    else:
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    _record_seed(url, {})


def ensure_archive(app, customers: int, *, fault_rate: float = 0.0) -> float | None:
    """The demo utility of `customers` customers and this fault rate: reused when the
    database holds exactly that, rebuilt when it holds another of the benchmarks' archives
    (`seeds.json`), refused when it holds anything else. The seconds seeding took."""
    parameters = {"customers": customers, "fault_rate": fault_rate, "seed": 1}
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        recorded = _seeded_with(url)
        if recorded == parameters:
            upgrade()
            return None
        if recorded is not None:
            print(f"rebuilding {url}: seeded with {recorded}, wanted {parameters}")
            _rebuild(url)
        upgrade()
        present = db.session.scalar(select(func.count()).select_from(Customer))
        if present:
            raise SystemExit(
                f"{url} holds {present} customers that no benchmark seeded;"
                " remove it or point DATABASE_URL at an empty database"
            )
        started = time.perf_counter()
        seeding.seed(customers=customers, seed=1, fault_rate=fault_rate)
        refresh_statistics(db.session.connection())
        db.session.commit()
        _record_seed(url, parameters)
        return time.perf_counter() - started


def archive_bench(doc: str, *, repeat: int):
    """(arguments, app) of a benchmark on the shared million-customer archive: its
    --customers, --repeat and --json, and the archive seeded when missing."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=repeat)
    parser.add_argument("--json", metavar="FILE", help="write the figures there")
    args = parser.parse_args()
    app = bench_app(f"archive-{args.customers}")
    seeded = ensure_archive(app, args.customers)
    if seeded is not None:
        print(f"seeded {args.customers:,} customers in {seeded:.0f} s")
    return args, app


def samples_ms(call: Callable[[], object], *, repeat: int, warmup: int = 3) -> list[float]:
    """The milliseconds of `repeat` calls, after `warmup` untimed ones (caches, plans)."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def median_ms(call: Callable[[], object], *, repeat: int, warmup: int = 3) -> float:
    return statistics.median(samples_ms(call, repeat=repeat, warmup=warmup))


def percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile: a sample that was measured, not an interpolation."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def peak_memory_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM belongs to the process's own
    memory image; ru_maxrss would also count the parent's at the fork of a spawned child
    (all it held then, before the exec), which is not the child's."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def figure(value: float, floor: float | None, unit: str = "ms") -> dict:
    """One figure of a benchmark's --json file."""
    return {
        "value": round(value, 2),
        "unit": unit,
        "floor": None if floor is None else round(floor, 2),
        "ratio": None if not floor else round(value / floor, 2),
    }


def write_figures(path: str | None, figures: dict) -> None:
    if path:
        Path(path).write_text(json.dumps({"figures": figures}, indent=2, ensure_ascii=False))
