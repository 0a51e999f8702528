"""A contract's life in the customer's history reads as words: the contract by its number
with a link to it, its status and kind as labels, its frozen data kept with the document,
and none of the bookkeeping (file hashes, template versions) a reader cannot use."""

from __future__ import annotations

from tests.auth.test_login import page
from tests.contracts.conftest import draft, sign
from utilitycrm.auth.roles import Role


def test_a_signed_contract_reads_as_words_in_the_history(client, login_as, account, users):
    contract = sign(draft(account.customer, users[Role.MARKETING]), users[Role.MARKETING])
    login_as(Role.MARKETING)
    history = page(client.get(f"/archive/customers/{account.customer.account_no}/history"))
    table = history.split('id="history-table"')[1].split("</table>\n\n")[0]
    assert f'<a href="/contracts/{contract.number}">供用电合同 {contract.number}</a>' in table
    assert '<strong>状态</strong>: <del class="text-danger">草稿</del>' in table
    assert "<strong>合同数据</strong>" in table and "（随合同文本保存）" in table
    assert "类型: 高压供用电合同 · 状态: 草稿" in table  # the draft's summary, in labels
    for internal in ("pdf_sha256", "template_version", "哈希", "{", "hv", "draft", "#"):
        assert internal not in table, internal


def test_the_customer_page_shows_only_the_last_few_changes(client, login_as, account, users):
    contract = sign(draft(account.customer, users[Role.MARKETING]), users[Role.MARKETING])
    login_as(Role.MARKETING)
    customer_page = page(client.get(f"/archive/customers/{account.customer.account_no}"))
    recent = customer_page.split('id="history-table"')[1].split("</table>\n")[0]
    full = page(client.get(f"/archive/customers/{account.customer.account_no}/history"))
    assert recent.count("<del") + recent.count("badge") <= 5
    assert full.count("<del") > recent.count("<del")
    assert contract.number in full
