"""How alerts and the inbox name the deadlines whose subject is a project (its stage
clocks, its return visit and follow-up): one query for all of them."""

from __future__ import annotations

from collections.abc import Callable

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from utilitycrm.core.extensions import db
from utilitycrm.deadlines.models import Deadline
from utilitycrm.deadlines.services import Described
from utilitycrm.projects.models import Project


def project_deadlines(title: Callable[[Deadline], object]):
    """A describer for a deadline kind whose subject is a project, titled by `title`."""

    def describe(found: list[Deadline]) -> dict[int, Described]:
        projects = {
            p.id: p
            for p in db.session.scalars(
                select(Project)
                .where(Project.id.in_({d.subject_id for d in found}))
                .options(joinedload(Project.customer))
            )
        }
        return {
            d.id: Described(
                f"{projects[d.subject_id].number} {title(d)}",
                str(projects[d.subject_id].customer),
                url_for("projects.project", number=projects[d.subject_id].number),
            )
            for d in found
        }

    return describe
