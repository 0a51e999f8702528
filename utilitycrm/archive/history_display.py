"""How history rows read: field labels from the forms that edit them, and references
(line_id 7) shown as what they name (城东一线), looked up in one query per table."""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from sqlalchemy import select
from wtforms.fields.core import UnboundField

from utilitycrm.archive.forms.customer import CustomerForm
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


# Table -> the form whose field labels name its history rows; wings add their tables.
HISTORY_FORMS: dict[str, type] = {"customer": CustomerForm}


def register_history_form(table: str, form: type) -> None:
    HISTORY_FORMS[table] = form
    _labels_by_table.cache_clear()


@cache
def _labels_by_table() -> dict[str, dict[str, object]]:
    forms = dict(HISTORY_FORMS)
    for kind in (*CUSTOMER_KINDS.values(), *NETWORK_KINDS.values()):
        forms.setdefault(kind.model.__tablename__, kind.form)
    labels: dict[str, dict[str, object]] = {}
    for table, form in forms.items():
        labels[table] = {
            name: field.kwargs.get("label") or (field.args[0] if field.args else name)
            for name in dir(form)
            if isinstance(field := getattr(form, name, None), UnboundField)
        }
    return labels


def field_label(object_type: str, field: str | None) -> object:
    if field is None:
        return ""
    return _labels_by_table().get(object_type, {}).get(field, field)


def reference_names(changes) -> dict[tuple[str, str], str]:
    """{(field, raw id): name} for the reference fields among these update rows."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for change in changes:
        if change.field in REFERENCES:
            for value in (change.old_value, change.new_value):
                if value and value.isdigit():
                    wanted[change.field].add(int(value))
    names = {}
    for field, ids in wanted.items():
        model, name_column = REFERENCES[field]
        for id_, name in db.session.execute(select(model.id, name_column).where(model.id.in_(ids))):
            names[(field, str(id_))] = name
    return names
