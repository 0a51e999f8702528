"""Coded values and their labels: codes are stable English strings stored in the
database, labels are what users read. Each wing registers its enums' labels in LABELS."""

from __future__ import annotations

from enum import StrEnum

from wtforms.fields.choices import SelectChoice

# Enum class -> {member: lazy label}; filled by each wing's enums module at import.
LABELS: dict[type, dict] = {}


class Labelled(StrEnum):
    """A coded value whose label is looked up in the subclass's LABELS mapping."""

    @property
    def label(self) -> str:
        return str(self.lazy_label)

    @property
    def lazy_label(self):
        """The label translated when shown, for choices built once at import."""
        return LABELS[type(self)][self]

    @classmethod
    def check_sql(cls, column: str) -> str:
        """A CHECK constraint expression allowing exactly these codes."""
        return f"{column} IN ({', '.join(repr(member.value) for member in cls)})"


def label(value: str | None, enum) -> str:
    """The label of a stored code; an unknown code is shown as it is, never hidden."""
    if value is None or value == "":
        return ""
    try:
        return enum(value).label
    except ValueError:
        return value


def enum_choices(enum: type[Labelled], blank: object | None = None) -> list[SelectChoice]:
    choices = [SelectChoice(member.value, member.lazy_label) for member in enum]
    return [SelectChoice("", blank), *choices] if blank is not None else choices
