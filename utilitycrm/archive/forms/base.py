"""What every archive form has: the version it was loaded at and a reason for the change."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from utilitycrm.core.forms import Form, VersionField


class ArchiveForm(Form):
    version = VersionField()
    reason = TextAreaField(
        _l("Reason for the change"),
        validators=[Optional(), Length(max=500)],
        description=_l("Kept in the history with the change."),
        render_kw={"rows": 2},
    )

    # Model attributes this form edits; services apply exactly these.
    model_fields: tuple[str, ...] = ()

    def model_data(self) -> dict[str, object]:
        return {name: self[name].data for name in self.model_fields}
