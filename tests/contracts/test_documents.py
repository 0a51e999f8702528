"""The contract PDF: filled from the archive, Chinese text extractable, values printed as
text and never fetched."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader

from tests.contracts.conftest import draft
from tests.pdftext import pdf_text
from tests.validation.dbarchive import change
from utilitycrm.auth.roles import Role
from utilitycrm.contracts import documents, services, terms
from utilitycrm.contracts.types import ContractKind
from utilitycrm.core.pdf import StaticOnlyFetcher, static_root


def _text(contract, language=None) -> str:
    return pdf_text(services.render_draft(contract, language=language))


def test_a_draft_prints_the_archive(account, users):
    contract = draft(account.customer, users[Role.MARKETING])
    text = _text(contract)
    customer = account.customer
    for expected in (
        customer.name,
        customer.account_no,
        account.line.name,
        "630 kVA",
        account.source.property_boundary,
        account.meter.asset_no,
        "40/5",  # the CT ratio
        "高压供用电合同",
        contract.number,
        "草稿",
    ):
        assert expected in text, expected


def test_a_draft_in_english(account, users):
    contract = draft(account.customer, users[Role.MARKETING], language="en")
    text = _text(contract)
    assert "High-voltage supply contract" in text
    assert "Property boundary" in text
    assert account.source.property_boundary in text  # archive values stay as typed
    assert "Article 1" in text


def test_a_low_voltage_customer_gets_the_short_contract(account, users):
    change(account.customer, voltage_kv="0.4")
    contract = draft(account.customer, users[Role.MARKETING])
    assert contract.kind == ContractKind.LOW_VOLTAGE
    text = _text(contract)
    assert "低压供用电合同" in text and account.source.property_boundary in text
    assert "调度协议" not in text


def test_archive_values_are_printed_as_text_and_nothing_is_fetched(account, users, listener):
    port, hits = listener
    image = f'<img src="http://127.0.0.1:{port}/x">'
    attachment = '<link rel=attachment href="file:///etc/passwd">'
    change(account.customer, name=image)
    change(account.source, property_boundary=attachment)
    fetcher = StaticOnlyFetcher([static_root()])
    data = terms.contract_data(account.customer)
    particulars = documents.Particulars("GYD-TEST", ContractKind.HIGH_VOLTAGE)
    pdf = documents.render(particulars, data, language="zh_CN", fetcher=fetcher)
    text = pdf_text(pdf).replace("\n", "")
    assert image in text
    assert attachment in text
    assert hits == []
    assert fetcher.refused == []  # escaped: nothing even asked for
    assert b"root:x:0" not in pdf


def test_fonts_are_embedded_and_subset(account, users):
    contract = draft(account.customer, users[Role.MARKETING])
    pdf = services.render_draft(contract)
    reader = PdfReader(BytesIO(pdf))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            descendant = font["/DescendantFonts"][0].get_object()
            assert (
                "/FontFile3" in descendant["/FontDescriptor"]
                or "/FontFile2" in descendant["/FontDescriptor"]
            )
    assert fonts and all("+" in name and "CJK" in name for name in fonts)  # subset prefix
    assert len(pdf) < 600_000
