"""The rules, one module per family; importing this package registers them all."""

from utilitycrm.validation.rules import (  # noqa: F401 - registration
    capacity,
    completeness,
    contract,
    identity,
    metering,
    tariff,
    topology,
)
