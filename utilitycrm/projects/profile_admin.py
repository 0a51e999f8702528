"""Time-limit profiles kept by administrators: created and edited in the app with the day
they take effect, each change recorded. A profile projects were accepted under keeps its
limits and date (those projects are timed by it); a new rule is a new profile, and the
default for a day is the newest default in effect on it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from utilitycrm.auth.models import User
from utilitycrm.auth.roles import Permission
from utilitycrm.core.errors import UtilityCRMError
from utilitycrm.core.extensions import db
from utilitycrm.projects.models import Project, TimeLimitProfile, TimeLimitProfileChange
from utilitycrm.projects.profiles import LIMIT_LABELS

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,29}$")
MAX_LIMIT = 250  # working days: a year's


@dataclass(frozen=True)
class ProfileValues:
    code: str
    name: str
    effective_on: date
    is_default: bool
    limits: dict[str, int]


def projects_under(profile: TimeLimitProfile) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Project).where(Project.profile_id == profile.id)
    )


def _snapshot(profile: TimeLimitProfile) -> dict[str, object]:
    return {
        "code": profile.code, "name": profile.name,
        "effective_on": profile.effective_on.isoformat(), "is_default": profile.is_default,
        "limits": dict(profile.limits),
    }  # fmt: skip


def _check(values: ProfileValues, profile: TimeLimitProfile | None) -> None:
    if not CODE.match(values.code):
        raise UtilityCRMError(
            _l("A code is 2 to 30 lower-case letters, digits and hyphens, such as prov-2027.")
        )
    taken = db.session.scalar(select(TimeLimitProfile).where(TimeLimitProfile.code == values.code))
    if taken is not None and taken is not profile:
        raise UtilityCRMError(_l("Another profile has the code %(code)s.", code=values.code))
    if not values.name.strip():
        raise UtilityCRMError(_l("Give the profile a name."))
    if set(values.limits) != set(LIMIT_LABELS) or not all(
        isinstance(v, int) and 1 <= v <= MAX_LIMIT for v in values.limits.values()
    ):
        raise UtilityCRMError(
            _l("Every limit is a whole number of working days from 1 to %(max)d.", max=MAX_LIMIT)
        )


def save(profile: TimeLimitProfile | None, values: ProfileValues, *, actor: User):
    """A new profile (None) or an edit of one; refused whole with the reason."""
    if not actor.can(Permission.EDIT_THRESHOLDS):
        raise UtilityCRMError(_l("Administrators keep the time-limit profiles."))
    _check(values, profile)
    before = _snapshot(profile) if profile is not None else None
    if (
        profile is not None
        and (count := projects_under(profile))
        and (values.limits != profile.limits or values.effective_on != profile.effective_on)
    ):
        raise UtilityCRMError(
            _l(
                "%(count)d projects were accepted under this profile and keep its limits: "
                "copy it as a new profile with the day the new limits take effect.",
                count=count,
            )
        )
    profile = profile or TimeLimitProfile()
    profile.code, profile.name = values.code, values.name.strip()
    profile.effective_on, profile.is_default = values.effective_on, values.is_default
    profile.limits = dict(values.limits)
    db.session.add(profile)
    db.session.flush()
    db.session.add(
        TimeLimitProfileChange(
            profile_id=profile.id, actor_id=actor.id, before=before, after=_snapshot(profile)
        )
    )
    db.session.flush()
    return profile


def history(limit: int = 50) -> list[TimeLimitProfileChange]:
    return list(
        db.session.scalars(
            select(TimeLimitProfileChange).order_by(TimeLimitProfileChange.id.desc()).limit(limit)
        )
    )
