"""Topology (站-线-变-户): the archive's substation and line against the traced network.

Lines are compared by tracing the transformer through closed switches to a substation
bay, never by the names the archive holds; a name is only used to guess which line a
legacy record without a line reference meant.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from utilitycrm.archive.enums import Importance
from utilitycrm.validation import facts
from utilitycrm.validation.facts import Snapshot
from utilitycrm.validation.registry import Family, Hit, Severity, rule
from utilitycrm.validation.rules import refs

FAMILY = Family.TOPOLOGY


@dataclass(frozen=True)
class Supply:
    """A transformer and the source the archive says feeds it."""

    customer: facts.Customer
    source: facts.Source
    transformer: facts.Transformer


def supplies(snap: Snapshot, customer: facts.Customer) -> Iterator[Supply]:
    """Each transformer of a customer with its source: dedicated ones by their source
    (the main one when unset), a low-voltage customer's public transformer by its main source."""
    main = snap.main_source(customer.id)
    by_id = {s.id: s for s in snap.sources.get(customer.id, ())}
    for transformer in snap.network.transformers_of[customer.id]:
        source = by_id.get(transformer.source_id, main)
        if source is not None and not transformer.is_removed:
            yield Supply(customer, source, transformer)
    public = snap.network.transformers.get(customer.supply_transformer_id)
    if public is not None and main is not None:
        yield Supply(customer, main, public)


def recorded_line(snap: Snapshot, source: facts.Source) -> facts.Line | None:
    """The line a source names: its reference, or a line whose name matches exactly."""
    if source.line_id is not None:
        return snap.network.lines.get(source.line_id)
    if source.line_name:
        for line_id in snap.network.trace.lines_named(source.line_name):
            if snap.network.lines[line_id].name == source.line_name.strip():
                return snap.network.lines[line_id]
    return None


def _supply_hit(supply: Supply, key: str, **params) -> Hit:
    return Hit(
        (refs.source(supply.source), refs.transformer(supply.transformer)),
        supply.customer.id,
        key=key,
        params={"source": supply.source.code, "transformer": supply.transformer.code, **params},
    )


def _traced_line(snap: Snapshot, transformer: facts.Transformer, feeders) -> dict:
    """The line the line-loss what-if moves the customer to: the one feeder, or of several
    (a closed tie) the one the transformer's node is recorded on."""
    if len(feeders) == 1:
        return {"traced_line_id": feeders[0]}
    node = snap.network.nodes.get(transformer.node_id)
    return {"traced_line_id": node.line_id} if node and node.line_id in feeders else {}


@rule(
    "topology.line_mismatch",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("Recorded line differs from the traced line"),
    messages={
        "default": _l(
            "Source %(source)s records line %(recorded)s, but transformer %(transformer)s is "
            "fed by %(traced)s through the network: the source should name %(traced)s."
        ),
        "unknown": _l(
            "Source %(source)s names line “%(recorded)s”, which is no line of the network; "
            "transformer %(transformer)s is fed by %(traced)s."
        ),
        "missing": _l(
            "Source %(source)s names no line; transformer %(transformer)s is fed by %(traced)s."
        ),
    },
    why=_l(
        "The supply line in the archive must be the line the network feeds the transformer from; a wrong line means wrong outage notices, line-loss figures and contracts."
    ),
)
def line_mismatch(snap: Snapshot) -> Iterator[Hit]:
    lines = snap.network.lines
    for customer in snap.customers:
        for supply in supplies(snap, customer):
            feeders = snap.network.trace.feeders(supply.transformer.node_id)
            if not feeders:
                continue  # cut off: the reachability rule reports it
            # Fed by several (a closed tie): the recorded line must be one of them.
            traced = " / ".join(lines[line_id].name for line_id in feeders)
            where = _traced_line(snap, supply.transformer, feeders)
            recorded = recorded_line(snap, supply.source)
            if recorded is not None:
                if recorded.id not in feeders:
                    yield _supply_hit(
                        supply, "default", recorded=recorded.name, traced=traced, **where
                    )
            elif not supply.source.line_name:
                yield _supply_hit(supply, "missing", traced=traced, **where)
            elif not set(feeders) & set(snap.network.trace.lines_named(supply.source.line_name)):
                yield _supply_hit(
                    supply, "unknown", recorded=supply.source.line_name, traced=traced, **where
                )


@rule(
    "topology.line_name_format",
    family=FAMILY,
    severity=Severity.WARNING,
    title=_l("Line name differs only in formatting"),
    messages={
        "default": _l(
            "Source %(source)s records the line as “%(recorded)s”; the network feeds "
            "transformer %(transformer)s from %(traced)s, which is likely the line meant: "
            "choose it from the list of lines."
        ),
    },
    why=_l(
        "`10kV城东一线` for `城东一线` is the right line written differently; linking the source to the line keeps the next name change from breaking it."
    ),
)
def line_name_format(snap: Snapshot) -> Iterator[Hit]:
    lines = snap.network.lines
    for customer in snap.customers:
        for supply in supplies(snap, customer):
            source = supply.source
            if source.line_id is not None or not source.line_name:
                continue
            if recorded_line(snap, supply.source) is not None:
                continue  # the exact name of a line: not a formatting matter
            named = snap.network.trace.lines_named(source.line_name)
            meant = [
                line_id
                for line_id in snap.network.trace.feeders(supply.transformer.node_id)
                if line_id in named
            ]
            if meant:
                yield _supply_hit(
                    supply,
                    "default",
                    recorded=source.line_name,
                    traced=lines[meant[0]].name,
                    traced_line_id=meant[0],
                )


@rule(
    "topology.unreachable_transformer",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("Transformer reachable from no substation"),
    messages={
        "default": _l(
            "Transformer %(transformer)s hangs on node %(node)s, which no substation feeds "
            "through closed switches: its node or the network extract is wrong."
        ),
        "no_node": _l(
            "Transformer %(transformer)s is not placed on the network (no node): it cannot be "
            "traced to a line."
        ),
    },
    why=_l("Every transformer in the archive must be energised from some substation bay."),
)
def unreachable_transformer(snap: Snapshot) -> Iterator[Hit]:
    network = snap.network
    for customer in snap.customers:
        for transformer in network.transformers_of[customer.id]:
            if transformer.is_removed or network.trace.feeders(transformer.node_id):
                continue
            node = network.nodes.get(transformer.node_id)
            yield Hit(
                (refs.transformer(transformer), refs.customer(customer)),
                customer.id,
                key="default" if node else "no_node",
                params={"transformer": transformer.code, "node": node.code if node else ""},
            )


@rule(
    "topology.feeders_joined",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("Transformers reachable from two feeders"),
    messages={
        "default": _l(
            "Lines %(lines)s are joined through closed switches (%(ties)s): %(count)s "
            "transformers are fed from more than one feeder. A feeder runs radially; open the "
            "tie switch or correct the switch states."
        ),
    },
    scope="network",
    why=_l(
        "Feeders are operated radially: a closed tie switch or a loop puts transformers on two lines at once, and nobody knows which outage cuts them off."
    ),
)
def feeders_joined(snap: Snapshot) -> Iterator[Hit]:
    network = snap.network
    fed_by = defaultdict(int)
    for transformer in network.transformers.values():
        if not transformer.is_removed:
            fed_by[network.trace.feeders(transformer.node_id)] += 1
    for feeders, ties in network.trace.joined:
        lines = [network.lines[line_id] for line_id in feeders]
        yield Hit(
            tuple(refs.line(line) for line in lines) + tuple(refs.edge(tie) for tie in ties),
            line_id=lines[0].id,
            params={
                "lines": ", ".join(line.name for line in lines),
                "ties": ", ".join(tie.code for tie in ties) or "—",
                "count": fed_by[feeders],
            },
        )


@rule(
    "topology.source_substation",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("Source names a line of another substation"),
    messages={
        "default": _l(
            "Source %(source)s records substation %(recorded)s, but its line %(line)s "
            "belongs to %(expected)s."
        ),
    },
    why=_l(
        "A source's substation and line must agree, or the dispatcher looks at the wrong station."
    ),
)
def source_substation(snap: Snapshot) -> Iterator[Hit]:
    network = snap.network
    for customer in snap.customers:
        for source in snap.sources.get(customer.id, ()):
            line = recorded_line(snap, source)
            if line is None or source.substation_id in (None, line.substation_id):
                continue
            recorded = network.substations.get(source.substation_id)
            yield Hit(
                (refs.source(source), refs.line(line)),
                customer.id,
                line_id=line.id,
                params={
                    "source": source.code,
                    "recorded": recorded.name if recorded else "?",
                    "line": line.name,
                    "expected": network.substations[line.substation_id].name,
                },
            )


def _source_place(snap: Snapshot, source: facts.Source) -> tuple[int | None, int | None]:
    line = recorded_line(snap, source)
    if line is not None:
        return line.id, line.substation_id
    return None, source.substation_id


@rule(
    "topology.source_separation",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("Backup source not independent of the main source"),
    messages={
        "same_line": _l(
            "Backup source %(backup)s is on the same line %(line)s as main source %(main)s: "
            "one line fault cuts both."
        ),
        "same_substation": _l(
            "Backup source %(backup)s comes from the same substation %(substation)s as main "
            "source %(main)s; a %(importance)s customer needs two substations."
        ),
    },
    why=_l(
        "A backup on the main source's line (or, for 一级 and 特级, its substation) fails with it, which is what the backup is there for."
    ),
)
def source_separation(snap: Snapshot) -> Iterator[Hit]:
    network = snap.network
    strict = {Importance.SPECIAL.value, Importance.FIRST.value}
    for customer in snap.customers:
        sources = snap.sources.get(customer.id, [])
        main = next((s for s in sources if s.is_main), None)
        if main is None:
            continue
        main_line, main_station = _source_place(snap, main)
        for backup in sources:
            if backup is main:
                continue
            line, station = _source_place(snap, backup)
            objects = (refs.source(backup), refs.source(main))
            names = {"backup": backup.code, "main": main.code}
            if line is not None and line == main_line:
                yield Hit(
                    objects,
                    customer.id,
                    key="same_line",
                    params={**names, "line": network.lines[line].name},
                )
            elif customer.importance in strict and station is not None and station == main_station:
                yield Hit(
                    objects,
                    customer.id,
                    key="same_substation",
                    params={
                        **names,
                        "substation": network.substations[station].name,
                        "importance": customer.importance,
                    },
                )


@rule(
    "topology.important_sources",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("Important customer with too few independent sources"),
    messages={
        "substations": _l(
            "A %(importance)s customer needs %(needed)s sources from different substations; "
            "the archive has %(found)s."
        ),
        "lines": _l(
            "A %(importance)s customer needs %(needed)s sources on different lines; the "
            "archive has %(found)s."
        ),
    },
    why=_l(
        "特级 ≥3 sources from different substations, 一级 two from two substations, 二级 two circuits on different lines (thresholds are configuration)."
    ),
)
def important_sources(snap: Snapshot) -> Iterator[Hit]:
    s = snap.standards
    needs = {
        Importance.SPECIAL.value: (s.special_min_sources, "substations"),
        Importance.FIRST.value: (s.first_min_sources, "substations"),
        Importance.SECOND.value: (s.second_min_sources, "lines"),
    }
    for customer in snap.customers:
        if customer.importance not in needs:
            continue
        needed, key = needs[customer.importance]
        places = [_source_place(snap, source) for source in snap.sources.get(customer.id, ())]
        distinct = {station for _line, station in places if station is not None}
        if key == "lines":
            distinct = {line for line, _station in places if line is not None}
        if len(distinct) < needed:
            yield Hit(
                (refs.customer(customer),),
                customer.id,
                key=key,
                params={
                    "importance": customer.importance,
                    "needed": needed,
                    "found": len(distinct),
                },
            )


@rule(
    "topology.line_overload",
    family=FAMILY,
    severity=Severity.ERROR,
    title=_l("Line loading beyond its rating"),
    messages={
        "default": _l(
            "Line %(line)s feeds %(kva)s kVA of running transformers, %(percent)s%% of its "
            "rating of %(rating)s kVA."
        ),
    },
    scope="network",
    why=_l(
        "Σ running kVA traced to a line beyond its thermal rating: either the line is overloaded or transformers are recorded on the wrong line."
    ),
)
def line_overload(snap: Snapshot) -> Iterator[Hit]:
    network = snap.network
    load: dict[int, int] = defaultdict(int)
    for transformer in network.transformers.values():
        if transformer.is_running:
            # Fed twice through a closed tie: counted on each feeder, as either may carry it.
            for line_id in network.trace.feeders(transformer.node_id):
                load[line_id] += transformer.rated_kva
    for line_id, kva in sorted(load.items()):
        line = network.lines[line_id]
        if line.rating_kva and kva > line.rating_kva:
            yield Hit(
                (refs.line(line),),
                line_id=line.id,
                params={
                    "line": line.name,
                    "kva": kva,
                    "rating": line.rating_kva,
                    "percent": round(100 * kva / line.rating_kva),
                },
            )
