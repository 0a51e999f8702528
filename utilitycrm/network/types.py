"""The network wing's coded values and their labels."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from utilitycrm.core.labels import LABELS, Labelled


class LossKind(Labelled):
    LINE = "line"  # a 10 kV line: its head (关口) meter against what the archive puts on it
    AREA = "area"  # a 台区: a public transformer's meter against its low-voltage customers


class Band(Labelled):
    NORMAL = "normal"
    NEGATIVE = "negative"
    HIGH = "high"
    NO_READING = "no_reading"  # no head reading (or none supplied): no rate

    @property
    def is_abnormal(self) -> bool:
        return self in (Band.NEGATIVE, Band.HIGH)


LABELS[LossKind] = {LossKind.LINE: _l("10 kV line"), LossKind.AREA: _l("台区 (public transformer)")}
LABELS[Band] = {
    Band.NORMAL: _l("In band"),
    Band.NEGATIVE: _l("Negative loss"),
    Band.HIGH: _l("High loss"),
    Band.NO_READING: _l("No head reading"),
}
