"""Form posts as a browser would send them, built from a record plus overrides."""

from __future__ import annotations

from utilitycrm.archive.models import Customer

CUSTOMER_FIELDS = (
    "account_no", "name", "address", "id_type", "id_number", "contact_name", "phone",
    "category", "industry_code", "voltage_kv", "contract_capacity_kva",
    "operating_capacity_kva", "tariff_code", "tariff_structure", "basic_charge_basis",
    "contract_demand_kw", "pf_standard", "importance", "value_class", "status",
    "account_manager_id", "relationship_notes",
)  # fmt: skip


def as_post(data: dict[str, object]) -> dict[str, object]:
    """None becomes an empty field; False booleans are left out, as browsers do."""
    posted = {}
    for key, value in data.items():
        if value is False:
            continue
        posted[key] = "y" if value is True else ("" if value is None else value)
    return posted


def customer_form(customer: Customer, **overrides) -> dict[str, object]:
    data = {name: getattr(customer, name) for name in CUSTOMER_FIELDS}
    data.update(is_time_of_use=customer.is_time_of_use, version=customer.version)
    data.update(overrides)
    return as_post(data)


def new_customer_form(**overrides) -> dict[str, object]:
    data = {
        "account_no": "3100009999", "name": "示范新材料有限公司", "address": "示范市高新区科技路8号",
        "id_type": "credit_code", "id_number": "91410100MA9XYZ1234", "contact_name": "周敏",
        "phone": "13812345678", "category": "large_industry", "industry_code": "C2611",
        "voltage_kv": "10", "contract_capacity_kva": 800, "operating_capacity_kva": 800,
        "tariff_code": "", "tariff_structure": "two_part", "basic_charge_basis": "capacity",
        "contract_demand_kw": None, "pf_standard": "0.90", "is_time_of_use": True,
        "importance": "none", "value_class": "B", "status": "active", "account_manager_id": "",
        "relationship_notes": "",
    }  # fmt: skip
    data.update(overrides)
    return as_post(data)
