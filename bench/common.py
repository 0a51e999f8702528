"""Shared by the benchmarks: a demo archive of a given size, built once and reused, and
median timing of requests through the app."""

from __future__ import annotations

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
    return create_app(settings)


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
        db.session.commit()
        return time.perf_counter() - started


def median_ms(call: Callable[[], object], *, repeat: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)
