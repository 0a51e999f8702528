"""The network API: readings written all or nothing, losses and capacity read back."""

from __future__ import annotations

from tests.clock import TODAY, month_start, month_text
from tests.network.conftest import MONTH
from utilitycrm.auth.roles import Role
from utilitycrm.core.extensions import db
from utilitycrm.network import losses
from utilitycrm.network.models import AreaReading, LineReading


def test_readings_go_in_all_or_nothing_and_losses_and_capacity_come_back(api, two_lines):
    month = month_text(2)
    bad = api(Role.MARKETING).put("/api/v1/network/line-readings", json={"readings": [
        {"line": two_lines.east.code, "month": month, "supplied_kwh": 5},
        {"line": "L9999", "month": month, "supplied_kwh": 5},
    ]})  # fmt: skip
    assert bad.status_code == 409 and "L9999" in bad.json["error"]["message"]
    assert db.session.get(LineReading, (two_lines.east.id, month_start(2))) is None
    assert api(Role.INSPECTOR).put("/api/v1/network/line-readings", json={}).status_code == 403
    good = api(Role.MARKETING).put("/api/v1/network/line-readings", json={"readings": [
        {"line": two_lines.east.code, "month": month, "supplied_kwh": 125_000, "peak_kw": 450},
    ]})  # fmt: skip
    assert good.status_code == 200 and good.json == {"inserted": 1, "updated": 0}
    area = api(Role.MARKETING).put("/api/v1/network/area-readings", json={"readings": [
        {"transformer": "G-01", "month": month, "supplied_kwh": 20_000, "sold_kwh": 19_500},
    ]})  # fmt: skip
    assert area.status_code == 200 and area.json == {"inserted": 1, "updated": 0}
    assert db.session.query(AreaReading).count() == 2
    losses.compute(MONTH, today=TODAY)
    db.session.commit()
    found = api(Role.INSPECTOR).get(f"/api/v1/network/losses?month={month_text(1)}").json
    assert found["total"] == 2
    assert {r["line_name"]: r["band"] for r in found["results"]} == {
        "城东一线": "normal",
        "城东二线": "normal",
    }
    capacity = api(Role.INSPECTOR).get(f"/api/v1/network/lines/{two_lines.east.code}/capacity")
    assert capacity.json["peak_source"] == "readings" and capacity.json["peak_kva"] == 500
