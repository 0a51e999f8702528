"""Contract documents: the HV and LV templates rendered to PDF in the contract's language.

The template version is frozen with a signed contract; change it whenever the wording of
a template changes, so that a frozen contract says which wording the customer signed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale

from utilitycrm.contracts.types import ContractKind
from utilitycrm.core.i18n import html_lang
from utilitycrm.core.pdf import StaticOnlyFetcher, render_pdf

TEMPLATE_VERSIONS = {ContractKind.HIGH_VOLTAGE: "HV-2026.1", ContractKind.LOW_VOLTAGE: "LV-2026.1"}


@dataclass(frozen=True)
class Particulars:
    """What the registry adds to the archive's data: number, term, signing."""

    number: str
    kind: ContractKind
    starts_on: date | None = None
    ends_on: date | None = None
    signed_on: date | None = None
    customer_signatory: str = ""
    utility_signatory: str = ""
    is_draft: bool = True


def render(
    particulars: Particulars, data: dict, *, language: str, fetcher: StaticOnlyFetcher | None = None
) -> bytes:
    with force_locale(language):
        return render_pdf(
            f"contracts/pdf/{particulars.kind.value}.html",
            fetcher=fetcher,
            c=particulars,
            data=data,
            template_version=TEMPLATE_VERSIONS[particulars.kind],
            html_lang=html_lang(language),
        )
