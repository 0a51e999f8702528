"""What a customer's fields must satisfy together: one rule set for the forms, the API
and imports, so that no door accepts what another refuses."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from utilitycrm.archive.enums import BasicChargeBasis, TariffStructure


def customer_problems(values: Mapping[str, object]) -> list[tuple[str, object]]:
    """(field, message) for each cross-field rule the values break; empty when none."""
    problems: list[tuple[str, object]] = []
    structure, basis = values.get("tariff_structure"), values.get("basic_charge_basis")
    if structure == TariffStructure.TWO_PART.value and not basis:
        problems.append(("tariff_structure", _l("A two-part tariff needs its basic charge basis.")))
    if (
        structure == TariffStructure.TWO_PART.value
        and basis == BasicChargeBasis.DEMAND.value
        and not values.get("contract_demand_kw")
    ):
        problems.append(("basic_charge_basis", _l("Charging by demand needs the contract demand.")))
    return problems
