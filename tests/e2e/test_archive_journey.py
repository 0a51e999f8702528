"""Marketing creates a customer with a source, a transformer and a metering point, edits it,
and reads the history, in Chromium."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.test_roles_journey import sign_in
from tests.factories import create_line, create_node, create_tariff


def test_marketing_builds_and_edits_a_customer(page, users):
    line = create_line(name="城东一线")
    create_node(line, code="L1-P012", name="城东一线12号杆")
    create_tariff()
    sign_in(page, "marketing")

    page.locator("#main-menu").get_by_role("button", name="档案", exact=True).click()
    page.get_by_role("link", name="客户档案").click()
    page.locator("#new-customer").click()
    form = page.locator("#customer-form")
    form.get_by_label("户号").fill("３１０００８８８８８")  # typed with a Chinese input method
    form.get_by_label("户名").fill("示范新材料有限公司")
    form.get_by_label("用电地址").fill("示范市高新区科技路8号")
    form.get_by_label("用电类别").select_option("large_industry")
    form.get_by_label("合同容量（kVA）").fill("630")
    form.get_by_label("运行容量（kVA）").fill("630")
    form.get_by_label("电价代码").select_option("DGY-10")
    form.get_by_label("电价结构").select_option("two_part")
    form.get_by_label("基本电费计收方式").select_option("capacity")
    form.get_by_label("功率因数考核标准").select_option("0.90")
    form.get_by_label("电话").fill("13812345678")
    form.get_by_role("button", name="保存").click()
    expect(page).to_have_url(re.compile(r"/archive/customers/3100088888$"))
    expect(page.locator("h1")).to_have_text("示范新材料有限公司")

    page.locator("#add-sources").click()
    page.get_by_label("10 千伏线路").select_option(label="城东一线")
    page.get_by_label("产权分界点").fill("城东一线12号杆T接开关负荷侧")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#sources-table")).to_contain_text("城东一线12号杆T接开关负荷侧")

    page.locator("#add-transformers").click()
    page.get_by_label("设备编号").fill("3100088888-T1")
    page.get_by_label("额定容量（kVA）").fill("630")
    page.get_by_label("所接电源").select_option(index=1)
    page.get_by_label("电网节点").fill("L1-P012")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#transformers-table")).to_contain_text("3100088888-T1")
    expect(page.locator("#transformers-table")).to_contain_text("L1-P012")

    page.locator("#add-metering-points").click()
    page.get_by_label("计量点编号").fill("3100088888-M1")
    page.get_by_label("计量方式").select_option("hv_hv")
    page.get_by_label("计量装置类别").select_option("III")
    page.get_by_label("电流互感器变比").fill("40/5")
    page.get_by_label("电压互感器变比").fill("10000/100")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#metering-table")).to_contain_text("40/5")

    page.locator("#edit-customer").click()
    page.locator("#customer-form").get_by_label("合同容量（kVA）").fill("800")
    page.locator("#customer-form").get_by_label("变更原因").fill("增容后更新档案")
    page.locator("#customer-form").get_by_role("button", name="保存").click()
    expect(page.locator("#contract-capacity")).to_have_text("800")

    page.locator("#customer-history").click()
    history = page.locator("#history-table")
    expect(history).to_contain_text("增容后更新档案")
    expect(history).to_contain_text("合同容量（kVA）")
    expect(history).to_contain_text("630")
    expect(history).to_contain_text("800")
    expect(history).to_contain_text("3100088888-T1")
