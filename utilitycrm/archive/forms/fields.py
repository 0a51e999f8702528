"""Field types and validators for archive data as utilities write it."""

from __future__ import annotations

import re

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import ValidationError

from utilitycrm.archive.enums import STANDARD_KVA
from utilitycrm.core.text import tidy_line

RATIO = re.compile(r"^\s*(\d{1,6})\s*/\s*(\d{1,6})\s*$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


class RatioField(StringField):
    """A transformer ratio typed as `300/5`; data is (primary, secondary) or None."""

    def process_data(self, value):
        match = RATIO.match(value) if isinstance(value, str) else None
        self.data = (int(match.group(1)), int(match.group(2))) if match else value

    def process_formdata(self, valuelist):
        self.raw = tidy_line(valuelist[0]) if valuelist else ""
        self.data = None
        if not self.raw:
            return
        match = RATIO.match(self.raw)
        if not match or int(match.group(1)) == 0 or int(match.group(2)) == 0:
            raise ValueError(_l("Write the ratio as primary/secondary, e.g. 300/5."))
        self.data = (int(match.group(1)), int(match.group(2)))

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data[0]}/{self.data[1]}" if self.data else ""


def phone_number(form, field) -> None:
    value = (field.data or "").replace(" ", "")
    if value and not (MOBILE.match(value) or LANDLINE.match(value)):
        raise ValidationError(
            _l("Enter a mobile number (11 digits) or a landline such as 0371-12345678.")
        )
    field.data = value or None


def account_number(form, field) -> None:
    pattern = current_app.config["ARCHIVE_ACCOUNT_NO_PATTERN"]
    if field.data and not re.fullmatch(pattern, field.data):
        raise ValidationError(
            _l(
                "The account number (户号) must match the utility's format %(pattern)s.",
                pattern=pattern,
            )
        )


def standard_capacity(form, field) -> None:
    """Not an error: a non-standard rating is saved, with a warning to check it."""
    if field.data and field.data not in STANDARD_KVA:
        form.warnings.append(
            str(
                _l(
                    "%(kva)s kVA is not a standard rating (%(series)s); check the nameplate.",
                    kva=field.data,
                    series=", ".join(map(str, STANDARD_KVA)),
                )
            )
        )
