"""The archive's coded values (domain.md §2) with their labels.

Values are stable English codes stored in the database; labels are what users read.
Chinese domain terms keep their original beside the English gloss.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from utilitycrm.core.labels import LABELS, Labelled


class VoltageLevel(Labelled):
    V0_4 = "0.4"
    V10 = "10"
    V20 = "20"
    V35 = "35"
    V110 = "110"
    V220 = "220"

    @property
    def kv(self) -> float:
        return float(self.value)

    @property
    def is_high_voltage(self) -> bool:
        return self is not VoltageLevel.V0_4


class Category(Labelled):
    """用电类别; newer tariffs merge 一般工商业 and 大工业 into 工商业."""

    RESIDENTIAL = "residential"
    GENERAL_COMMERCIAL = "general_commercial"
    LARGE_INDUSTRY = "large_industry"
    INDUSTRIAL_COMMERCIAL = "industrial_commercial"
    AGRICULTURE = "agriculture"


class CustomerStatus(Labelled):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"
    # An applicant for a new connection (新装): in the archive once accepted, supplied
    # only when the project completes.
    APPLYING = "applying"


class TariffStructure(Labelled):
    SINGLE = "single"
    TWO_PART = "two_part"


class BasicChargeBasis(Labelled):
    CAPACITY = "capacity"
    DEMAND = "demand"


class PowerFactorStandard(Labelled):
    PF_090 = "0.90"
    PF_085 = "0.85"
    PF_080 = "0.80"
    NONE = "none"


class Importance(Labelled):
    """重要客户等级 (regulatory), separate from the commercial value class."""

    SPECIAL = "special"
    FIRST = "first"
    SECOND = "second"
    TEMPORARY = "temporary"
    NONE = "none"


class ValueClass(Labelled):
    A = "A"
    B = "B"
    C = "C"


class IdType(Labelled):
    CREDIT_CODE = "credit_code"
    ID_CARD = "id_card"
    OTHER = "other"


class SourceKind(Labelled):
    MAIN = "main"
    BACKUP = "backup"
    SECURITY = "security"


class Connection(Labelled):
    OVERHEAD = "overhead"
    CABLE = "cable"


class TransformerKind(Labelled):
    TRANSFORMER = "transformer"
    HV_MOTOR = "hv_motor"


class Ownership(Labelled):
    DEDICATED = "dedicated"
    PUBLIC = "public"


class TransformerState(Labelled):
    RUNNING = "running"
    PAUSED = "paused"
    SEALED = "sealed"
    REMOVED = "removed"


class MeteringMethod(Labelled):
    HV_HV = "hv_hv"
    HV_LV = "hv_lv"
    LV_LV = "lv_lv"


class Wiring(Labelled):
    THREE_PHASE_THREE_WIRE = "3p3w"
    THREE_PHASE_FOUR_WIRE = "3p4w"
    SINGLE_PHASE = "1p"


class MeteringClass(Labelled):
    I = "I"  # noqa: E741 - the class is called I
    II = "II"
    III = "III"
    IV = "IV"
    V = "V"


class MeterAccuracy(Labelled):
    C02S = "0.2S"
    C05S = "0.5S"
    C1 = "1"
    C2 = "2"


class DocumentKind(Labelled):
    BUSINESS_LICENCE = "business_licence"
    ID_CARD = "id_card"
    POWER_PERMIT = "power_permit"
    PROPERTY_CERTIFICATE = "property_certificate"
    AUTHORISATION = "authorisation"
    OTHER = "other"


class NodeKind(Labelled):
    BUS_BAY = "bus_bay"
    POLE = "pole"
    JUNCTION = "junction"
    RING_MAIN_UNIT = "ring_main_unit"
    SWITCH_STATION = "switch_station"
    BRANCH_BOX = "branch_box"


class EdgeKind(Labelled):
    SECTION = "section"
    SWITCH = "switch"
    TIE_SWITCH = "tie_switch"


# Standard transformer ratings (kVA); other values are allowed with a warning.
STANDARD_KVA = (
    30,
    50,
    80,
    100,
    125,
    160,
    200,
    250,
    315,
    400,
    500,
    630,
    800,
    1000,
    1250,
    1600,
    2000,
    2500,
)

LABELS.update(
    {
        VoltageLevel: {
            VoltageLevel.V0_4: _l("0.4 kV"),
            VoltageLevel.V10: _l("10 kV"),
            VoltageLevel.V20: _l("20 kV"),
            VoltageLevel.V35: _l("35 kV"),
            VoltageLevel.V110: _l("110 kV"),
            VoltageLevel.V220: _l("220 kV"),
        },
        Category: {
            Category.RESIDENTIAL: _l("Residential (居民生活)"),
            Category.GENERAL_COMMERCIAL: _l("General commercial (一般工商业)"),
            Category.LARGE_INDUSTRY: _l("Large industry (大工业)"),
            Category.INDUSTRIAL_COMMERCIAL: _l("Industrial and commercial (工商业)"),
            Category.AGRICULTURE: _l("Agricultural production (农业生产)"),
        },
        CustomerStatus: {
            CustomerStatus.ACTIVE: _l("In use (在用)"),
            CustomerStatus.SUSPENDED: _l("Suspended (暂停)"),
            CustomerStatus.CLOSED: _l("Closed (销户)"),
            CustomerStatus.APPLYING: _l("Applying (报装中)"),
        },
        TariffStructure: {
            TariffStructure.SINGLE: _l("Single-part (单一制)"),
            TariffStructure.TWO_PART: _l("Two-part (两部制)"),
        },
        BasicChargeBasis: {
            BasicChargeBasis.CAPACITY: _l("By capacity (按容量)"),
            BasicChargeBasis.DEMAND: _l("By demand (按需量)"),
        },
        PowerFactorStandard: {
            PowerFactorStandard.PF_090: "0.90",
            PowerFactorStandard.PF_085: "0.85",
            PowerFactorStandard.PF_080: "0.80",
            PowerFactorStandard.NONE: _l("None"),
        },
        Importance: {
            Importance.SPECIAL: _l("Special grade (特级)"),
            Importance.FIRST: _l("First grade (一级)"),
            Importance.SECOND: _l("Second grade (二级)"),
            Importance.TEMPORARY: _l("Temporary (临时性)"),
            Importance.NONE: _l("Not an important customer"),
        },
        ValueClass: {ValueClass.A: "A", ValueClass.B: "B", ValueClass.C: "C"},
        IdType: {
            IdType.CREDIT_CODE: _l("Unified social credit code"),
            IdType.ID_CARD: _l("Resident ID card"),
            IdType.OTHER: _l("Other"),
        },
        SourceKind: {
            SourceKind.MAIN: _l("Main (主供)"),
            SourceKind.BACKUP: _l("Backup (备用)"),
            SourceKind.SECURITY: _l("Security (保安)"),
        },
        Connection: {Connection.OVERHEAD: _l("Overhead"), Connection.CABLE: _l("Cable")},
        TransformerKind: {
            TransformerKind.TRANSFORMER: _l("Transformer"),
            TransformerKind.HV_MOTOR: _l("High-voltage motor"),
        },
        Ownership: {
            Ownership.DEDICATED: _l("Dedicated (专变)"),
            Ownership.PUBLIC: _l("Public (公变)"),
        },
        TransformerState: {
            TransformerState.RUNNING: _l("Running (运行)"),
            TransformerState.PAUSED: _l("Paused (暂停)"),
            TransformerState.SEALED: _l("Sealed, reduced (减容封停)"),
            TransformerState.REMOVED: _l("Removed (拆除)"),
        },
        MeteringMethod: {
            MeteringMethod.HV_HV: _l("HV supply, HV metering (高供高计)"),
            MeteringMethod.HV_LV: _l("HV supply, LV metering (高供低计)"),
            MeteringMethod.LV_LV: _l("LV supply, LV metering (低供低计)"),
        },
        Wiring: {
            Wiring.THREE_PHASE_THREE_WIRE: _l("Three-phase three-wire"),
            Wiring.THREE_PHASE_FOUR_WIRE: _l("Three-phase four-wire"),
            Wiring.SINGLE_PHASE: _l("Single-phase"),
        },
        MeteringClass: {member: member.value for member in MeteringClass},
        MeterAccuracy: {member: member.value for member in MeterAccuracy},
        DocumentKind: {
            DocumentKind.BUSINESS_LICENCE: _l("Business licence"),
            DocumentKind.ID_CARD: _l("ID card"),
            DocumentKind.POWER_PERMIT: _l("Power business permit"),
            DocumentKind.PROPERTY_CERTIFICATE: _l("Property certificate"),
            DocumentKind.AUTHORISATION: _l("Letter of authorisation"),
            DocumentKind.OTHER: _l("Other"),
        },
        NodeKind: {
            NodeKind.BUS_BAY: _l("Substation bay (间隔)"),
            NodeKind.POLE: _l("Pole (杆塔)"),
            NodeKind.JUNCTION: _l("Junction"),
            NodeKind.RING_MAIN_UNIT: _l("Ring main unit (环网柜)"),
            NodeKind.SWITCH_STATION: _l("Switching station (开闭所)"),
            NodeKind.BRANCH_BOX: _l("Branch box (分支箱)"),
        },
        EdgeKind: {
            EdgeKind.SECTION: _l("Line section"),
            EdgeKind.SWITCH: _l("Switch"),
            EdgeKind.TIE_SWITCH: _l("Tie switch (联络开关)"),
        },
    }
)
