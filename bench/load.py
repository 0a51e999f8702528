"""Throughput and latency under load: gunicorn on PostgreSQL with a million-customer archive.

    .venv/bin/python bench/load.py [--customers N] [--seconds S] [--clients C] [--workers W]
                                   [--warmup S] [--json FILE]

DATABASE_URL names the PostgreSQL database (default: the `utilitycrm_bench` database on
127.0.0.1, created when missing); the demo utility is seeded there once and reused. The
app runs under gunicorn with the repository's gunicorn.conf.py. A second process drives
C simulated users (CSRF tokens and cookies as a browser keeps them), all signed in before
any clock starts, in three phases, each after an untimed warm-up: a static file, a
signed-in trivial page (the profile: session, user, layout, no archive: the floor of the
ratios), then the mixed workload of the marketing floor: the customer list, searches
(户号, its prefix, a name prefix, two characters anywhere), customer pages, edit forms and
saves, and the project worklist. Each user saves customers of its own, so every save is
expected to succeed. Prints the throughput and the p50/p95/p99 latency of each request
type and their ratios to the floor's; any error (an unexpected status, a refused save, a
timeout) is counted and makes the exit status 1.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import multiprocessing
import os
import random
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bench.common import DATA, bench_app, ensure_archive, figure, percentile, write_figures
from tests.htmlforms import page_forms
from utilitycrm.archive.models import Customer
from utilitycrm.auth.models import User as AppUser
from utilitycrm.auth.services import sign_out_everywhere
from utilitycrm.core.extensions import db
from utilitycrm.demo.seeding import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/utilitycrm_bench"
# The marketing floor's mix: request type and its weight.
MIX = {"customer list": 15, "search": 25, "customer page": 30, "edit form": 8, "save": 8,
       "project worklist": 14}  # fmt: skip
SAMPLE = 5_000  # customers the users open, search for and save


def ensure_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database when it is not there."""
    target = make_url(url)
    if not target.drivername.startswith("postgresql"):
        raise SystemExit("bench/load.py measures PostgreSQL: set DATABASE_URL to a postgresql URL")
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        )
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    server.dispose()


def end_sessions(app) -> None:
    """Sign the bench's user out of its earlier phases' browsers, as people do: the
    profile page, the floor, lists a user's open sessions."""
    with app.app_context():
        user = db.session.scalar(select(AppUser).where(AppUser.username == "marketing"))
        sign_out_everywhere(user, actor=user)
        db.session.commit()
        db.engine.dispose()


def sample_customers(app, size: int) -> list[tuple[str, str]]:
    """(户号, name) of customers spread over the whole archive."""
    with app.app_context():
        top = db.session.scalar(select(func.max(Customer.id)))
        ids = random.Random(7).sample(range(1, top + 1), min(size, top))
        rows = db.session.execute(
            select(Customer.account_no, Customer.name).where(Customer.id.in_(ids))
        ).all()
    return [(row.account_no, row.name) for row in rows]


class User:
    """One signed-in browser: a kept-alive connection and its cookies."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        """Send one request; a kept-alive connection the server has closed meanwhile (a
        worker recycled) is opened again once, as browsers do."""
        try:
            return self._send(method, path, form)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.conn.close()
            return self._send(method, path, form)

    def _send(self, method: str, path: str, form: dict | None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        page = response.read().decode("utf-8", "replace")
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response.status, page

    def sign_in(self, username: str) -> None:
        _, page = self.request("GET", "/login")
        (form,) = [f for f in page_forms("/login", page) if "password" in f.values()]
        values = form.values() | {"username": username, "password": DEMO_PASSWORD}
        status, _ = self.request("POST", "/login", values)
        if status != 302:
            raise SystemExit(f"{username} could not sign in (status {status})")


def _save(user: User, account_no: str, counter: int) -> Iterator[tuple[str, float, bool]]:
    """Load the edit form (timed as its own type), change the relationship notes, save."""
    edit = f"/archive/customers/{account_no}/edit"
    started = time.perf_counter()
    status, page = user.request("GET", edit)
    yield "edit form", time.perf_counter() - started, status == 200
    (form,) = [f for f in page_forms(edit, page) if f.method == "post" and "version" in f.values()]
    values = form.values() | {"relationship_notes": f"load test save {counter}",
                              "reason": "load test"}  # fmt: skip
    started = time.perf_counter()
    status, page = user.request("POST", edit, values)
    yield "save", time.perf_counter() - started, status == 302


def _request_once(user: User, kind: str, sample, own, rng, counter: int):
    """One request (or the edit-form-and-save pair) of `kind`: (type, seconds, ok) each."""
    account_no, name = rng.choice(sample)
    if kind in ("save", "edit form"):
        return list(_save(user, rng.choice(own)[0], counter))
    path = {
        "floor: static file": "/static/css/app.css",
        "floor: signed-in page": "/profile",
        "customer list": f"/archive/customers?page={rng.randint(1, 200)}",
        "search": "/archive/customers?"
        + rng.choice(
            (f"q={account_no}", f"q={account_no[:7]}", f"q={quote(name[:2])}",
             f"q={quote(name[-2:])}&anywhere=y")
        ),
        "customer page": f"/archive/customers/{account_no}",
        "project worklist": "/projects",
    }[kind]  # fmt: skip
    started = time.perf_counter()
    status, _ = user.request("GET", path)
    return [(kind, time.perf_counter() - started, status == 200)]


def _drive_user(port, index, clients, sample, phase, window, results, lock) -> None:
    """Sign in, wait for the others (sign-ins hash passwords: not part of the figures),
    warm up untimed, then record until the window closes."""
    try:
        user = User(port)
        user.sign_in("marketing")
    except (OSError, http.client.HTTPException, ValueError, SystemExit) as error:
        with lock:
            results["errors"]["sign in"].append(repr(error))
        window["barrier"].abort()
        return
    window["barrier"].wait()
    rng = random.Random(index)
    own = sample[index::clients]  # customers only this user saves: no stale-version refusals
    kinds, weights = (list(MIX), list(MIX.values())) if phase == "mixed" else ([phase], [1])
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    counter = 0
    while (now := time.perf_counter()) < window["end"]:
        kind = rng.choices(kinds, weights)[0]
        counter += 1
        try:
            timings = _request_once(user, kind, sample, own, rng, counter)
        except (OSError, http.client.HTTPException, ValueError) as error:
            errors[kind].append(repr(error))
            user = User(port)
            user.sign_in("marketing")
            continue
        if now < window["start"]:
            continue  # warming up
        for measured, seconds, ok in timings:
            if ok:
                latencies[measured].append(seconds * 1000)
            else:
                errors[measured].append("unexpected status")
    with lock:
        for kind, values in latencies.items():
            results["latencies"][kind].extend(values)
        for kind, values in errors.items():
            results["errors"][kind].extend(values)


def drive(port: int, clients: int, sample, phase: str, seconds: float, warmup: float) -> dict:
    """Run `clients` signed-in users for `warmup` + `seconds` (in the driver process);
    their latencies in ms over the last `seconds`."""
    results = {"latencies": defaultdict(list), "errors": defaultdict(list)}
    lock = threading.Lock()
    window: dict = {}

    def open_window() -> None:
        window["start"] = time.perf_counter() + warmup
        window["end"] = window["start"] + seconds

    window["barrier"] = threading.Barrier(clients, action=open_window)
    users = [
        threading.Thread(
            target=_drive_user,
            args=(port, i, clients, sample, phase, window, results, lock),
        )
        for i in range(clients)
    ]
    for user in users:
        user.start()
    for user in users:
        user.join()
    results["seconds"] = seconds
    return {key: dict(value) if isinstance(value, defaultdict) else value
            for key, value in results.items()}  # fmt: skip


def start_server(url: str, port: int, workers: int, log: Path) -> subprocess.Popen:
    env = os.environ | {
        "DATABASE_URL": url,
        "UTILITYCRM_BIND": f"127.0.0.1:{port}",
        "UTILITYCRM_WORKERS": str(workers),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    for _ in range(120):
        with contextlib.suppress(OSError):  # not listening yet
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        if server.poll() is not None:
            break
        time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"gunicorn did not become healthy; see {log}")


def _percentiles(values: list[float]) -> tuple[float, float, float]:
    return tuple(percentile(values, share) for share in (0.5, 0.95, 0.99))


FLOORS = ("floor: static file", "floor: signed-in page")


def report(phases: dict[str, dict], args) -> int:
    """The table; ratios are to the signed-in page's (the app's own path, no archive)."""
    base = _percentiles(phases["floor: signed-in page"]["latencies"]["floor: signed-in page"])
    mixed = phases["mixed"]
    print(f"gunicorn ({args.workers} workers × gunicorn.conf.py threads) on PostgreSQL, "
          f"{args.customers:,} customers; {args.clients} signed-in users; "
          f"{args.warmup:.0f} s warm-up, then {args.seconds:.0f} s a phase")  # fmt: skip
    print(f"{'request':<22} {'count':>7} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
          f" {'p50×':>6} {'p95×':>6} {'p99×':>6} {'errors':>6}")  # fmt: skip
    figures = {}
    rows = [(kind, phases[kind]) for kind in FLOORS] + [(kind, mixed) for kind in MIX]
    for kind, phase in rows:
        values = phase["latencies"].get(kind, [])
        errors = phase["errors"].get(kind, [])
        if len(values) < 2:
            print(f"{kind:<22} {len(values):>7} (too few requests to measure) {len(errors):>6}")
            continue
        p50, p95, p99 = _percentiles(values)
        print(f"{kind:<22} {len(values):>7} {len(values) / phase['seconds']:>7.1f} {p50:>8.1f}"
              f" {p95:>8.1f} {p99:>8.1f} {p50 / base[0]:>6.1f} {p95 / base[1]:>6.1f}"
              f" {p99 / base[2]:>6.1f} {len(errors):>6}")  # fmt: skip
        figures[f"{kind} p50"] = figure(p50, base[0])
        figures[f"{kind} p95"] = figure(p95, base[1])
    failures = sum(len(e) for phase in phases.values() for e in phase["errors"].values())
    total = sum(len(mixed["latencies"].get(kind, [])) for kind in MIX)
    print(f"mixed workload: {total / mixed['seconds']:.1f} requests/s in all; errors: {failures}")
    figures["mixed requests/s"] = figure(total / mixed["seconds"], None, "requests/s")
    for name, phase in phases.items():
        for kind, errors in phase["errors"].items():
            print(f"  {name}, {kind}: {len(errors)} errors, e.g. {errors[0]}")
    write_figures(args.json, figures)
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=multiprocessing.cpu_count() * 2 + 1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--warmup", type=float, default=10.0, help="untimed seconds a phase")
    parser.add_argument("--json", metavar="FILE", help="write the figures there")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    app = bench_app("load")
    seeded = ensure_archive(app, args.customers)
    if seeded is not None:
        print(f"seeded {args.customers:,} customers in {seeded:.0f} s")
    sample = sample_customers(app, SAMPLE)
    with app.app_context():
        db.engine.dispose()

    DATA.mkdir(exist_ok=True)
    log = DATA / "load-gunicorn.log"
    server = start_server(url, args.port, args.workers, log)
    try:
        context = multiprocessing.get_context("spawn")
        phases = {}
        with context.Pool(1) as driver:
            for phase, seconds in (
                (FLOORS[0], max(args.seconds / 4, 10)),
                (FLOORS[1], max(args.seconds / 4, 10)),
                ("mixed", args.seconds),
            ):
                end_sessions(app)
                phases[phase] = driver.apply(
                    drive, (args.port, args.clients, sample, phase, seconds, args.warmup)
                )
    finally:
        server.terminate()
        server.wait(timeout=60)
    sys.exit(report(phases, args))


if __name__ == "__main__":
    main()
