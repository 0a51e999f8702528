"""The archive's models, by concern: network, customer, equipment, history, standards."""

from utilitycrm.archive.models.customer import Contact, Customer, QualificationDocument, Tariff
from utilitycrm.archive.models.equipment import Meter, MeteringPoint, PowerSource, Transformer
from utilitycrm.archive.models.history import ArchiveChange, ChangeSet, ImportBatch
from utilitycrm.archive.models.network import FeederLine, NetworkEdge, NetworkNode, Substation
from utilitycrm.archive.models.standards import ThresholdSet

__all__ = [
    "ArchiveChange",
    "ChangeSet",
    "Contact",
    "Customer",
    "FeederLine",
    "ImportBatch",
    "Meter",
    "MeteringPoint",
    "NetworkEdge",
    "NetworkNode",
    "PowerSource",
    "QualificationDocument",
    "Substation",
    "Tariff",
    "ThresholdSet",
    "Transformer",
]
