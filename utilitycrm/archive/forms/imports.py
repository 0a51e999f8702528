"""The upload of a workbook to import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Regexp
from wtforms.widgets import HiddenInput

from utilitycrm.core.forms import Form


class UploadForm(Form):
    workbook = FileField(
        _l("Workbook (.xlsx), one sheet as .csv, or a zip of .csv sheets"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileAllowed(
                ["xlsx", "csv", "zip"],
                _l("Only .xlsx workbooks, .csv sheets and zips of .csv sheets are accepted."),
            ),
        ],
    )

    network_sync = BooleanField(
        _l("Network extract (GIS): its nodes and edges replace those of the lines it names")
    )


class CommitForm(Form):
    sha256 = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{64}$")])
    filename = HiddenField(validators=[DataRequired()])
    network_sync = HiddenField()
    # The archive_mark() of the preview: the commit refuses records changed after it.
    checked_at_mark = IntegerField(
        widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=0)]
    )
