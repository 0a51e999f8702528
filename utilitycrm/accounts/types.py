"""The coded values of key-account work: complaint channels, categories, steps."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from utilitycrm.core.labels import LABELS, Labelled


class Channel(Labelled):
    HOTLINE_95598 = "95598"
    REGULATOR_12398 = "12398"
    GOVERNMENT_12345 = "12345"
    COUNTER = "counter"
    LETTER = "letter"
    WEB = "web"


class ComplaintCategory(Labelled):
    SERVICE = "service"
    BUSINESS = "business"  # incl. expansion delays
    OUTAGE = "outage"
    POWER_QUALITY = "quality"
    GRID_CONSTRUCTION = "grid"


class Step(Labelled):
    """受理 → 核实 → 整改 → 回访 → 归档, then closed."""

    ACCEPT = "accept"
    VERIFY = "verify"
    RECTIFY = "rectify"
    REVISIT = "revisit"
    ARCHIVE = "archive"
    CLOSED = "closed"


STEPS = (Step.ACCEPT, Step.VERIFY, Step.RECTIFY, Step.REVISIT, Step.ARCHIVE)


class Satisfaction(Labelled):
    SATISFIED = "satisfied"
    NEUTRAL = "neutral"
    UNSATISFIED = "unsatisfied"


LABELS[Channel] = {
    Channel.HOTLINE_95598: _l("95598 hotline"),
    Channel.REGULATOR_12398: _l("12398 energy regulator"),
    Channel.GOVERNMENT_12345: _l("12345 government hotline"),
    Channel.COUNTER: _l("Service counter"),
    Channel.LETTER: _l("Letter"),
    Channel.WEB: _l("Web or app"),
}
LABELS[ComplaintCategory] = {
    ComplaintCategory.SERVICE: _l("Service"),
    ComplaintCategory.BUSINESS: _l("Business (incl. expansion delays)"),
    ComplaintCategory.OUTAGE: _l("Outages"),
    ComplaintCategory.POWER_QUALITY: _l("Power quality"),
    ComplaintCategory.GRID_CONSTRUCTION: _l("Grid construction"),
}
LABELS[Step] = {
    Step.ACCEPT: _l("Accepted (受理)"),
    Step.VERIFY: _l("Verification (核实)"),
    Step.RECTIFY: _l("Rectification (整改)"),
    Step.REVISIT: _l("Return visit (回访)"),
    Step.ARCHIVE: _l("Archiving (归档)"),
    Step.CLOSED: _l("Closed (办结)"),
}
LABELS[Satisfaction] = {
    Satisfaction.SATISFIED: _l("Satisfied"),
    Satisfaction.NEUTRAL: _l("Neither"),
    Satisfaction.UNSATISFIED: _l("Unsatisfied"),
}
