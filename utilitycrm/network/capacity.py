"""Open capacity (可开放容量) of 10 kV lines: what a line may still take for new connections.

allowable = rating × allowed load share: 100% for a radial line, 50% for a line in a tie
pair (it must carry its partner's load when the partner fails: N-1), or the line's own
share where the archive records one. peak = the head meter's largest monthly demand of
the last 12 months, as kVA; without readings, the running kVA recorded on the line ×
the coincidence factor (同时率). Both sources are shown. open = allowable − peak.

A few set-based queries answer any number of lines: a page of the lines list, every line
of a substation, or the candidates for a new connection.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, union
from sqlalchemy.orm import aliased

from utilitycrm.archive.enums import EdgeKind, TransformerState
from utilitycrm.archive.models import FeederLine, NetworkEdge, NetworkNode, Substation, Transformer
from utilitycrm.archive.standards import Standards
from utilitycrm.archive.thresholds import standards_on
from utilitycrm.core.dates import add_months
from utilitycrm.core.extensions import db
from utilitycrm.network.models import LineReading

CHUNK = 900


@dataclass(frozen=True)
class LineCapacity:
    line_id: int
    rating_kva: int
    share: float  # the allowed load share applied
    share_source: str  # line (its own), tied (N-1) or radial
    tied_with: tuple[int, ...]  # lines joined to it by a tie switch
    peak_kva: int
    peak_source: str  # readings or estimate
    running_kva: int  # Σ running transformers recorded on the line

    @property
    def allowable_kva(self) -> int:
        return round(self.rating_kva * self.share)

    @property
    def open_kva(self) -> int:
        return self.allowable_kva - self.peak_kva

    def open_after(self, new_kva: int) -> int:
        return self.open_kva - new_kva

    @property
    def load_share(self) -> float | None:
        return self.peak_kva / self.rating_kva if self.rating_kva else None


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _ties(line_ids: list[int]) -> dict[int, set[int]]:
    """Line → the other lines a tie switch (open or closed) joins it to."""
    a, b = aliased(NetworkNode), aliased(NetworkNode)
    ties: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(line_ids):
        pairs = select(a.line_id, b.line_id).select_from(NetworkEdge).join(
            a, a.id == NetworkEdge.from_node_id).join(b, b.id == NetworkEdge.to_node_id).where(
            NetworkEdge.kind == EdgeKind.TIE_SWITCH.value, a.line_id != b.line_id)  # fmt: skip
        for one, other in db.session.execute(
            union(pairs.where(a.line_id.in_(chunk)), pairs.where(b.line_id.in_(chunk)))
        ):
            ties[one].add(other)
            ties[other].add(one)
    return ties


def _running(line_ids: list[int]) -> dict[int, int]:
    running: dict[int, int] = {}
    for chunk in _chunks(line_ids):
        running.update(db.session.execute(
            select(NetworkNode.line_id, func.sum(Transformer.rated_kva))
            .join(NetworkNode, NetworkNode.id == Transformer.node_id)
            .where(NetworkNode.line_id.in_(chunk),
                   Transformer.state == TransformerState.RUNNING.value)
            .group_by(NetworkNode.line_id)
        ).all())  # fmt: skip
    return running


def _peaks(line_ids: list[int], today: date) -> dict[int, int]:
    """Line → its head meter's largest monthly demand (kW) of the last 12 months."""
    since = add_months(today.replace(day=1), -12)
    peaks: dict[int, int] = {}
    for chunk in _chunks(line_ids):
        peaks.update(db.session.execute(
            select(LineReading.line_id, func.max(LineReading.peak_kw))
            .where(LineReading.line_id.in_(chunk), LineReading.month >= since,
                   LineReading.peak_kw.is_not(None))
            .group_by(LineReading.line_id)
        ).all())  # fmt: skip
    return peaks


def capacities(lines: Iterable[FeederLine], today: date) -> dict[int, LineCapacity]:
    """The open capacity of each line, on the standards in force today."""
    lines = list(lines)
    ids = sorted(line.id for line in lines)
    standards = standards_on(today)
    ties, running, peaks = _ties(ids), _running(ids), _peaks(ids, today)
    return {line.id: _capacity(line, standards, ties, running, peaks) for line in lines}


def _capacity(line, standards: Standards, ties, running, peaks) -> LineCapacity:
    tied = tuple(sorted(ties.get(line.id, ())))
    if line.allowed_load_pct is not None:
        share, share_source = line.allowed_load_pct / 100, "line"
    elif tied:
        share, share_source = standards.line_load_share_tied, "tied"
    else:
        share, share_source = standards.line_load_share_radial, "radial"
    kva = running.get(line.id, 0) or 0
    if line.id in peaks:
        peak, source = round(peaks[line.id] / standards.peak_power_factor), "readings"
    else:
        peak, source = round(kva * standards.coincidence_factor), "estimate"
    return LineCapacity(line.id, line.rating_kva, share, share_source, tied, peak, source, kva)


@dataclass(frozen=True)
class SubstationCapacity:
    substation: Substation
    lines: int
    allowable_kva: int
    peak_kva: int

    @property
    def open_kva(self) -> int:
        return self.allowable_kva - self.peak_kva


def by_substation(today: date, substation_ids: list[int] | None = None) -> list[SubstationCapacity]:
    """Each substation's lines summed (of some substations, or all): what it may still
    connect."""
    query = select(FeederLine).order_by(FeederLine.substation_id)
    if substation_ids is not None:
        query = query.where(FeederLine.substation_id.in_(substation_ids))
    lines = list(db.session.scalars(query))
    found = capacities(lines, today)
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for line in lines:
        total = totals[line.substation_id]
        total[0] += 1
        total[1] += found[line.id].allowable_kva
        total[2] += found[line.id].peak_kva
    stations = {s.id: s for s in db.session.scalars(select(Substation).order_by(Substation.name))}
    return [SubstationCapacity(stations[sid], *totals[sid]) for sid in stations if sid in totals]
