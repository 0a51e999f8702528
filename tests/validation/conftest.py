"""Archives shared by the validation tests."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.clock import TODAY
from tests.factories import (
    create_customer,
    create_edge,
    create_meter,
    create_node,
    create_transformer,
)
from utilitycrm.archive.models import FeederLine, Meter, NetworkNode
from utilitycrm.core.extensions import db
from utilitycrm.demo import seeding


def _first_node(line: FeederLine) -> NetworkNode:
    return db.session.scalars(
        select(NetworkNode).where(NetworkNode.line_id == line.id).order_by(NetworkNode.id)
    ).first()


@pytest.fixture
def oddities() -> dict:
    """The demo utility with faults, and three records its generator never makes."""
    seeding.seed(customers=1500, seed=7, fault_rate=0.3, today=TODAY)
    db.session.commit()
    a, b, c = db.session.scalars(select(FeederLine).order_by(FeederLine.id).limit(3))
    loose = create_node(None, name="未登记线路的杆")
    create_edge(_first_node(a), loose)
    on_loose = create_customer(account_no="8800000001", name="挂在未登记节点上的客户")
    create_transformer(on_loose, node_id=loose.id)
    two_lines = create_customer(account_no="8800000002", name="两条线路供电的客户")
    create_transformer(two_lines, node_id=_first_node(b).id)
    create_transformer(two_lines, node_id=_first_node(c).id)
    nowhere = create_customer(account_no="8800000003", name="变压器未接入网络的客户")
    create_transformer(nowhere, node_id=None)
    # A legacy meter record: the asset number of a meter far away, on another line's
    # customer (another part of a spread run).
    first, last = db.session.execute(select(func.min(Meter.id), func.max(Meter.id))).one()
    far = db.session.get(Meter, last)
    create_meter(db.session.get(Meter, first).metering_point, asset_no=far.asset_no)
    db.session.commit()
    return {"lines": (a, b, c), "loose": loose, "nowhere": nowhere, "twinned": far.asset_no}
