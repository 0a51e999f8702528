"""The one dated home of the utility's business limits: `standards_on(day)` gives the
`Standards` in effect on a day. Validation, projects, contracts and accounts all read
their numbers here, so an administrator's new set changes every side at once."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from utilitycrm.archive.models import ThresholdSet
from utilitycrm.archive.standards import DEFAULT, Standards
from utilitycrm.auth.models import User
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db


def standards_on(day: date) -> tuple[Standards, date | None]:
    """The thresholds in effect on `day` and the date they took effect (None: defaults)."""
    current = db.session.scalar(
        select(ThresholdSet)
        .where(ThresholdSet.effective_on <= day)
        .order_by(ThresholdSet.effective_on.desc())
        .limit(1)
    )
    if current is None:
        return DEFAULT, None
    return standards_from(json.loads(current.values)), current.effective_on


def standards_from(values: dict) -> Standards:
    """Standards with the stored values over the defaults; unknown keys are ignored, so a
    set saved by an older version still loads."""
    known = {f.name for f in dataclasses.fields(Standards)}
    return dataclasses.replace(
        DEFAULT, **{key: value for key, value in values.items() if key in known}
    )


def add_threshold_set(values: dict, *, effective_on: date, note: str, actor: User) -> ThresholdSet:
    if db.session.scalar(select(ThresholdSet.id).where(ThresholdSet.effective_on == effective_on)):
        raise UtilityCRMError(
            _l(
                "A threshold set takes effect on %(day)s already; choose another date.",
                day=effective_on.isoformat(),
            )
        )
    standards_from(values)  # refuses unknown types early
    threshold_set = ThresholdSet(
        effective_on=effective_on,
        values=json.dumps(values, sort_keys=True),
        note=note,
        created_by_id=actor.id,
    )
    db.session.add(threshold_set)
    db.session.flush()
    return threshold_set
