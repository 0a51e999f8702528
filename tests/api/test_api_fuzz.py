"""The API against its own OpenAPI document, as an integrator would check it: the
schemathesis command line with every check (no server error, responses as documented,
documented errors, valid requests accepted, invalid ones refused, authentication
enforced, Allow on 405, stateful links), at a live server on a loopback port."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.e2e.conftest import QuietHandler
from tests.factories import create_customer, create_line
from tests.test_access import contract_records, project_record
from utilitycrm.auth.roles import Role

pytestmark = pytest.mark.commits  # schemathesis calls a server in another thread

SCHEMATHESIS = Path(sys.executable).parent / "st"


def test_the_api_keeps_every_promise_of_its_document(app, tokens, users, tmp_path):
    customer = create_customer(account_no="3100005001")
    create_line(code="L0001")
    project_record(customer, users[Role.MARKETING])
    contract_records(customer)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        run = subprocess.run(
            [
                str(SCHEMATHESIS), "run",
                f"http://127.0.0.1:{server.server_port}/api/v1/openapi.json",
                "--checks", "all", "--max-examples", "25", "--seed", "20261123",
                "--header", f"Authorization: Bearer {tokens[Role.MARKETING]}",
                "--no-color",
            ],
            capture_output=True, text=True, timeout=600, check=False,
            cwd=tmp_path,  # its cache of examples stays out of the work tree
        )  # fmt: skip
    finally:
        server.shutdown()
        thread.join(timeout=10)
    summary = run.stdout[-6000:]
    assert run.returncode == 0, summary
    assert "25/25" in summary and " passed" in summary
