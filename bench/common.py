"""Shared by the benchmarks: a demo archive of a given size, built once and reused, and
median timing of requests through the app."""

from __future__ import annotations

import json
import logging
import os
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


def ensure_archive(app, customers: int, *, fault_rate: float = 0.0) -> float | None:
    """Seed the demo utility unless a database of that size is there; the seconds it took."""
    with app.app_context():
        upgrade()
        present = db.session.scalar(select(func.count()).select_from(Customer))
        if present >= customers:
            return None
        if present:
            raise SystemExit(
                f"{app.config['SQLALCHEMY_DATABASE_URI']} holds {present} customers;"
                " remove it or point DATABASE_URL at an empty database"
            )
        started = time.perf_counter()
        seeding.seed(customers=customers, seed=1, fault_rate=fault_rate)
        refresh_statistics(db.session.connection())
        db.session.commit()
        return time.perf_counter() - started


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
