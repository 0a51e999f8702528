"""One JSON line per request (logger `utilitycrm.requests`): method, path, status,
duration, user, address. What an operator greps or ships to a log store."""

from __future__ import annotations

import json
import logging
import time

from flask import Flask, Response, g, request

log = logging.getLogger("utilitycrm.requests")


def _start() -> None:
    g.request_started = time.perf_counter()


def _record(response: Response) -> Response:
    started = g.pop("request_started", None)
    if started is None or request.endpoint == "static":
        return response
    # Only a user the request already loaded: the log line must not query the database
    # (which may be what just failed).
    user = getattr(g.get("_login_user"), "id", None)
    log.info(
        json.dumps(
            {
                "method": request.method,
                "path": request.path,
                "endpoint": request.endpoint,
                "status": response.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "user": user,
                "ip": request.remote_addr,
            },
            ensure_ascii=False,
        )
    )
    return response


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_record)
    if not log.handlers and not app.testing:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
