"""Searching and filtering the archive lists, and the bounded paging."""

from __future__ import annotations

from tests.archive.test_customers import text
from tests.factories import (
    create_customer,
    create_line,
    create_meter,
    create_metering_point,
    create_source,
)
from utilitycrm.archive.queries import CustomerFilters, customer_page
from utilitycrm.auth.roles import Role


def account_numbers(page) -> list[str]:
    return [customer.account_no for customer in page.items]


def page_of(**filters):
    return customer_page(CustomerFilters(**filters), page=1, per_page=50, limit=10_000)


def test_search_by_account_number_prefix_name_prefix_and_meter():
    a = create_customer(account_no="3100000101", name="城东印染有限公司")
    b = create_customer(account_no="3100000102", name="城西机械有限公司", address="城东路1号")
    create_meter(create_metering_point(b), asset_no="3310000000000000555")
    assert account_numbers(page_of(q="31000001")) == [a.account_no, b.account_no]
    assert account_numbers(page_of(q="3100000102")) == [b.account_no]
    assert account_numbers(page_of(q="城东")) == [a.account_no]
    assert account_numbers(page_of(q="城东", anywhere=True)) == [a.account_no, b.account_no]
    assert account_numbers(page_of(q="3310000000000000555")) == [b.account_no]
    assert account_numbers(page_of(q="印染")) == []
    assert account_numbers(page_of(q="%")) == []  # wildcards are literal
    assert account_numbers(page_of(q="*")) == []


def test_search_anywhere_finds_one_two_or_more_characters_in_the_name_or_the_address():
    a = create_customer(name="示范市光伏科技有限公司", address="高新区科技路8号")
    b = create_customer(name="城南第二医院", address=None)
    c = create_customer(name="示范物流", address="城南路 100% 号")
    anywhere = {
        "光伏": [a], "科技": [a], "科技路8": [a], "医院": [b], "第二医": [b], "城南": [b, c],
        "医": [b], "%": [c], "100% 号": [c], "伏科技有": [a], "光科": [], "院城": [],
    }  # fmt: skip
    for searched, expected in anywhere.items():
        found = account_numbers(page_of(q=searched, anywhere=True))
        assert found == [customer.account_no for customer in expected], searched


def test_filters_combine():
    line = create_line()
    on_line = create_customer(category="large_industry", voltage_kv="10", value_class="A")
    create_source(on_line, line)
    create_customer(category="residential", voltage_kv="0.4")
    assert account_numbers(page_of(line_id=line.id)) == [on_line.account_no]
    assert account_numbers(page_of(line=line.name)) == [on_line.account_no]
    assert account_numbers(page_of(line=line.code)) == [on_line.account_no]
    assert account_numbers(page_of(line="no such line")) == []
    assert account_numbers(page_of(substation_id=line.substation_id)) == [on_line.account_no]
    assert account_numbers(page_of(category="residential", voltage_kv="10")) == []
    assert account_numbers(page_of(value_class="A", status="active")) == [on_line.account_no]


def test_sorting():
    small = create_customer(name="乙", contract_capacity_kva=100)
    big = create_customer(name="甲", contract_capacity_kva=2000)
    assert account_numbers(page_of(sort="-capacity")) == [big.account_no, small.account_no]
    assert account_numbers(page_of(sort="account_no")) == [small.account_no, big.account_no]


def test_paging_counts_only_up_to_the_limit():
    for _ in range(7):
        create_customer()
    page = customer_page(CustomerFilters(), page=2, per_page=3, limit=5)
    assert (page.total, page.is_capped, page.pages, len(page.items)) == (5, True, 2, 2)
    beyond = customer_page(CustomerFilters(), page=99, per_page=3, limit=5)
    assert beyond.page == 2  # never past what the limit allows


def test_list_page_with_bad_parameters_still_answers(client, login_as):
    create_customer(name="城东印染有限公司")
    login_as(Role.INSPECTOR)
    response = client.get(
        "/archive/customers?q=城东&page=abc&line_id=xyz&category=nonsense&sort=evil"
    )
    assert response.status_code == 200
    assert "城东印染有限公司" in text(response)


def test_other_lists(client, login_as):
    line = create_line(name="城南三线")
    customer = create_customer()
    create_meter(create_metering_point(customer), asset_no="3310000000000000999")
    login_as(Role.INSPECTOR)
    assert "城南三线" in text(client.get("/archive/lines?q=城南"))
    assert line.substation.name in text(client.get("/archive/substations"))
    assert customer.account_no in text(client.get("/archive/meters?q=33100000000000009"))
    assert "没有符合条件的客户" in text(client.get("/archive/customers?q=不存在的客户"))


def test_a_prefix_search_that_finds_nothing_offers_to_look_anywhere(client, login_as):
    create_customer(name="示范市人民医院")
    login_as(Role.MARKETING)
    html = text(client.get("/archive/customers?q=医院"))
    assert "没有符合条件的客户" in html
    assert 'href="/archive/customers?q=%E5%8C%BB%E9%99%A2&amp;anywhere=y"' in html
    found = text(client.get("/archive/customers?q=医院&anywhere=y"))
    assert "示范市人民医院" in found and 'id="search-anywhere"' not in found


def test_lines_sort_by_their_ordinals_as_people_read_them(client, login_as):
    from tests.factories import create_substation

    substation = create_substation()
    for name in ("城东三线", "城东十线", "城东一线", "城东二线", "城东十一线"):
        create_line(substation, name=name)
    login_as(Role.MARKETING)
    html = text(client.get("/archive/lines?sort=name"))
    shown = [name for name in html.split('">') if name.startswith("城东") and "线</a>" in name]
    assert [name.split("<")[0] for name in shown] == [
        "城东一线", "城东二线", "城东三线", "城东十线", "城东十一线",
    ]  # fmt: skip
    descending = text(client.get("/archive/lines?sort=-name"))
    assert descending.index("城东十一线") < descending.index("城东一线")


def test_meters_filter_by_verification_date_and_rotation_due(client, login_as):
    from datetime import date

    customer = create_customer()
    point = create_metering_point(customer)
    old = create_meter(point, accuracy="0.5S", verified_on=date(2019, 5, 1))  # due 2025-05
    recent = create_meter(point, accuracy="0.5S", verified_on=date(2024, 3, 1))  # due 2030
    never = create_meter(point, accuracy="2", verified_on=None, installed_on=date(2017, 1, 5))
    login_as(Role.MARKETING)

    def listed(query: str) -> set[str]:
        html = text(client.get(f"/archive/meters?{query}"))
        return {m.asset_no for m in (old, recent, never) if m.asset_no in html}

    assert listed("verified_from=2024-01-01") == {recent.asset_no}
    assert listed("verified_to=2020-12-31") == {old.asset_no}
    assert listed("rotation_due_by=2026-11-23") == {old.asset_no, never.asset_no}  # 8 years
    assert listed("rotation_due_by=2025-03-01") == {never.asset_no}  # due 2025-01-05
    assert listed("rotation_due_by=not-a-date") == {old.asset_no, recent.asset_no, never.asset_no}
    html = text(client.get("/archive/meters?sort=verified_on"))
    assert html.index(old.asset_no) < html.index(recent.asset_no)
    assert '2025-05-01 <span class="badge text-bg-danger">已超期</span>' in html
