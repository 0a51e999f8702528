"""How history rows read: each record named by its kind and its own name (变压器 T1),
fields by the labels of the forms that edit them, coded values by their labels, references
(line_id 7) by what they name (城东一线), long documents summarised with a link. Fields
with no label are bookkeeping (a file's SHA-256, a template version) and are not shown.
Names are looked up in one query per table."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField

from utilitycrm.archive.forms.customer import CustomerForm
from utilitycrm.archive.history import ChangeSource
from utilitycrm.archive.kinds import CUSTOMER_KINDS, NETWORK_KINDS
from utilitycrm.archive.models import (
    Customer,
    FeederLine,
    MeteringPoint,
    NetworkNode,
    PowerSource,
    Substation,
    Transformer,
)
from utilitycrm.auth.models import User
from utilitycrm.core.extensions import db

# Reference columns → (model, the column that names the record).
REFERENCES = {
    "line_id": (FeederLine, FeederLine.name),
    "substation_id": (Substation, Substation.name),
    "node_id": (NetworkNode, NetworkNode.code),
    "from_node_id": (NetworkNode, NetworkNode.code),
    "to_node_id": (NetworkNode, NetworkNode.code),
    "transformer_id": (Transformer, Transformer.code),
    "supply_transformer_id": (Transformer, Transformer.code),
    "source_id": (PowerSource, PowerSource.line_name),
    "metering_point_id": (MeteringPoint, MeteringPoint.code),
    "customer_id": (Customer, Customer.account_no),
    "account_manager_id": (User, User.display_name),
}
REFERENCE_LABELS = {
    "line_id": _l("Line"),
    "substation_id": _l("Substation"),
    "transformer_id": _l("Transformer"),
    "supply_transformer_id": _l("Supplying transformer"),
    "metering_point_id": _l("Metering point"),
    "customer_id": _l("Customer"),
}
# Columns that name a record, in the order they are tried.
NAME_COLUMNS = ("number", "account_no", "code", "asset_no", "name", "line_name", "full_name")
SUMMARY_FIELDS = 5  # an inserted or deleted record shows its first few labelled fields
SOURCE_LABELS = {
    ChangeSource.FORM: _l("Form"),
    ChangeSource.IMPORT: _l("Workbook import"),
    ChangeSource.API: _l("API"),
    ChangeSource.PROJECT: _l("Expansion project"),
    ChangeSource.CONTRACT: _l("Contract"),
    ChangeSource.SYSTEM: _l("System"),
}
# Reasons the system itself writes, as codes; a person's reason is shown as typed.
SYSTEM_REASONS: dict[str, object] = {}


@dataclass(frozen=True)
class HistoryKind:
    """How one table's rows read in the history."""

    table: str
    title: object
    form: type
    model: type
    labels: dict[str, object] = field(default_factory=dict)  # beyond the form's
    enums: dict[str, type] = field(default_factory=dict)  # coded fields beyond the form's
    documents: frozenset[str] = frozenset()  # long documents: summarised, never shown
    url: Callable[[str], str] | None = None  # a record's name → its page

    @property
    def name_column(self) -> str | None:
        columns = self.model.__table__.columns
        return next((name for name in NAME_COLUMNS if name in columns), None)


HISTORY_KINDS: dict[str, HistoryKind] = {}


def register_history_kind(kind: HistoryKind) -> None:
    HISTORY_KINDS[kind.table] = kind
    _readers.cache_clear()


def register_reference(name: str, model: type, column) -> None:
    """A wing's reference column, named in the history by `column` of the record it names."""
    REFERENCES[name] = (model, column)


def register_system_reason(code: str, text: object) -> None:
    SYSTEM_REASONS[code] = text


def _choices(unbound: UnboundField) -> dict[str, object]:
    choices = unbound.kwargs.get("choices")
    if not isinstance(choices, list | tuple):
        return {}  # filled when the form is built: a reference, named through REFERENCES
    pairs = (
        (choice.value, choice.label) if isinstance(choice, SelectChoice) else choice
        for choice in choices
    )
    return {str(value): text for value, text in pairs if value not in ("", None)}


@dataclass(frozen=True)
class _Reader:
    kind: HistoryKind
    labels: dict[str, object]
    choices: dict[str, dict[str, object]]


@cache
def _readers() -> dict[str, _Reader]:
    kinds = {"customer": HistoryKind("customer", _l("Customer"), CustomerForm, Customer)}
    for kind in (*CUSTOMER_KINDS.values(), *NETWORK_KINDS.values()):
        table = kind.model.__tablename__
        kinds[table] = HistoryKind(table, kind.title, kind.form, kind.model)
    kinds.update(HISTORY_KINDS)
    readers = {}
    for table, kind in kinds.items():
        fields = {
            name: unbound
            for name in dir(kind.form)
            if isinstance(unbound := getattr(kind.form, name, None), UnboundField)
        }
        labels = {
            name: unbound.kwargs.get("label") or (unbound.args[0] if unbound.args else name)
            for name, unbound in fields.items()
        }
        choices = {name: _choices(unbound) for name, unbound in fields.items()}
        for name, enum in kind.enums.items():
            choices[name] = {member.value: member.lazy_label for member in enum}
        readers[table] = _Reader(kind, {**REFERENCE_LABELS, **labels, **kind.labels}, choices)
    return readers


def source_label(source: str) -> str:
    return str(SOURCE_LABELS.get(source, source))


def reason_text(reason: str) -> str:
    return str(SYSTEM_REASONS.get(reason, reason))


@dataclass(frozen=True)
class ShownChange:
    """One history row as it reads."""

    action: str
    record: str  # 变压器 T1
    record_url: str | None
    label: str  # the field's label; empty for a record created or deleted
    old: str | None
    new: str | None
    summary: str  # a created or deleted record's first fields


class Names:
    """The names history rows need, looked up together: references and the records
    changed (a record still in the archive is named as it is now)."""

    def __init__(self, changes: Iterable) -> None:
        changes = list(changes)
        readers = _readers()
        wanted: dict[str, set[int]] = defaultdict(set)
        records: dict[str, set[int]] = defaultdict(set)
        for change in changes:
            if change.field in REFERENCES:
                for value in (change.old_value, change.new_value):
                    if value and value.isdigit():
                        wanted[change.field].add(int(value))
            if change.action == "insert":
                for key, value in _document(change.new_value).items():
                    if key in REFERENCES and value and str(value).isdigit():
                        wanted[key].add(int(value))
            if change.object_type in readers:
                records[change.object_type].add(change.object_id)
        self.references: dict[tuple[str, str], str] = {}
        for name, ids in wanted.items():
            model, column = REFERENCES[name]
            rows = db.session.execute(select(model.id, column).where(model.id.in_(ids)))
            self.references.update(((name, str(id_)), shown) for id_, shown in rows)
        self.records: dict[tuple[str, int], str] = {}
        for table, ids in records.items():
            kind = readers[table].kind
            if kind.name_column:
                column = getattr(kind.model, kind.name_column)
                rows = db.session.execute(
                    select(kind.model.id, column).where(kind.model.id.in_(ids))
                )
                self.records.update(((table, id_), shown) for id_, shown in rows)


def _document(text: str | None) -> dict:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _value(reader: _Reader, name: str, value, names: Names) -> str | None:
    if value is None or value == "":
        return None
    text = str(value)
    if name in reader.kind.documents:
        return str(_l("(kept with the document)"))
    if name in REFERENCES:
        return names.references.get((name, text), f"#{text}")
    if text in reader.choices.get(name, {}):
        return str(reader.choices[name][text])
    if text in ("true", "false"):
        return str(_l("Yes") if text == "true" else _l("No"))
    return text


def _summary(reader: _Reader, snapshot: str | None, names: Names) -> str:
    """A record's first labelled fields; its customer is the page it is read on."""
    document = _document(snapshot)
    parts = []
    for name, raw in document.items():
        if name in reader.labels and name not in reader.kind.documents | {"customer_id"}:
            shown = _value(reader, name, raw, names)
            if shown is not None:
                parts.append(f"{reader.labels[name]}: {shown}")
    return " · ".join(parts[:SUMMARY_FIELDS])


def shown_changes(changes: Iterable, names: Names) -> list[ShownChange]:
    """The rows a reader sees; bookkeeping fields and empty-to-empty changes are left out."""
    readers, shown = _readers(), []
    for change in changes:
        reader = readers.get(change.object_type)
        if reader is None:
            continue  # a table no wing describes any more
        if change.action == "update" and (
            change.field not in reader.labels
            or (change.old_value or None) == (change.new_value or None)
        ):
            continue
        snapshot = change.new_value if change.action == "insert" else change.old_value
        name = names.records.get((change.object_type, change.object_id)) or _document(snapshot).get(
            reader.kind.name_column or "", ""
        )
        url = reader.kind.url(name) if reader.kind.url and name else None
        is_update = change.action == "update"
        shown.append(
            ShownChange(
                action=change.action,
                record=f"{reader.kind.title} {name}".strip(),
                record_url=url,
                label=str(reader.labels[change.field]) if is_update else "",
                old=_value(reader, change.field, change.old_value, names) if is_update else None,
                new=_value(reader, change.field, change.new_value, names) if is_update else None,
                summary="" if is_update else _summary(reader, snapshot, names),
            )
        )
    return shown


@dataclass(frozen=True)
class StaleRow:
    shown: ShownChange
    actor: str | None
    occurred_at: object


def stale_rows(changes) -> list[StaleRow]:
    """The changes a stale form missed (services.records.changes_since), as they read."""
    names = Names(changes)
    return [
        StaleRow(shown, item.actor, item.occurred_at)
        for item in changes
        for shown in shown_changes([item], names)
    ]
