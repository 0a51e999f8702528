"""Every page of every demo role speaks the user's language: in Chinese no English word of the
app's own message catalog and no coded value (``large_industry``) is left on screen; in English
no Chinese text appears that is neither customer data nor a domain term the catalog itself keeps
beside its English gloss ("Marketing staff (营销人员)")."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import String, Text, select

from tests.pages import DEMO_USERS, page_shapes, seed_demo
from tests.test_i18n import CATALOG
from utilitycrm.auth.models import User
from utilitycrm.core.extensions import db
from utilitycrm.demo.seeding import DEMO_PASSWORD

SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
SKIPPED_ELEMENTS = {"script", "style"}
# Names and units that are the same in both languages.
SAME_IN_BOTH = {
    "excel", "pdf", "csv", "html", "json", "zip", "xlsx", "kv", "kva", "kw", "kwh", "kvar",
    "kvarh", "cim", "api", "id", "ct", "pt", "english", "sg186", "gb", "utilitycrm", "ok",
    "jpeg", "png", "gis", "authorization", "bearer", "mb",  # file types, GIS, a header, MB
}  # fmt: skip
LANGUAGE_NAMES = {"简体中文"}  # the language switch names each language in itself
PATH = re.compile(r"(?<![\w/])/[\w\-./?=&%]+")  # a request path in a log is not words
FILE_NAME = re.compile(r"\b[\w-]+\.(?:csv|xlsx|pdf|zip)\b")  # consumption.csv, as typed
WORD = re.compile(r"[A-Za-z][A-Za-z']+")
CODED = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
STORED_CODE = re.compile(r"[a-z][a-z0-9_.]*")  # "contract", "large_industry": no one's data


class ShownText(HTMLParser):
    """The text a user reads: text nodes outside scripts, and tooltips and placeholders."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_ELEMENTS:
            self._skipping += 1
        self.texts.extend(value for name, value in attrs if name in SHOWN_ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag in SKIPPED_ELEMENTS:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.texts.append(data.strip())


def shown_texts(html: str) -> list[str]:
    parser = ShownText()
    parser.feed(html)
    return parser.texts


def _catalog() -> tuple[set[str], str]:
    """The catalog's English words, and the Chinese its English source texts keep."""
    with CATALOG.open("rb") as handle:
        messages = [m for m in read_po(handle) if m.id]
    sources = [text for m in messages for text in (m.id if isinstance(m.id, tuple) else (m.id,))]
    words = {
        word.lower()
        for text in sources
        for word in WORD.findall(re.sub(r"%\(\w+\)\w|\{\w+\}", " ", text))
    }
    return words - SAME_IN_BOTH, "\n".join(run for text in sources for run in CJK.findall(text))


def _data() -> tuple[set[str], str]:
    """Every word and Chinese run stored in the database, codes aside: customer data may
    say anything, but a stored code must be shown as its label."""
    values: set[str] = set()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        for row in db.session.execute(select(*columns)) if columns else ():
            values.update(value for value in row if value)
    usernames = set(db.session.scalars(select(User.username)))  # data, though code-like
    values = {value for value in values if value in usernames or not STORED_CODE.fullmatch(value)}
    return (
        {word.lower() for value in values for word in WORD.findall(value)},
        "\n".join(run for value in values for run in CJK.findall(value)),
    )


def english_left(texts, catalog_words, data_words) -> set[str]:
    left = set()
    for text in texts:
        text = FILE_NAME.sub(" ", PATH.sub(" ", text))
        left.update(CODED.findall(text))
        left.update(
            word
            for word in WORD.findall(text)
            if word.lower() in catalog_words and word.lower() not in data_words
        )
    return left


def chinese_left(texts, catalog_chinese, data_chinese) -> set[str]:
    return {
        run
        for text in texts
        for run in CJK.findall(text)
        if CHINESE.search(run)
        and run not in LANGUAGE_NAMES
        and run not in catalog_chinese
        and run not in data_chinese
    }


@pytest.fixture
def demo_pages(app, runner):
    seed_demo(runner)
    return page_shapes()


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_page_of_every_role_is_in_the_users_language(app, demo_pages, locale):
    catalog_words, catalog_chinese = _catalog()
    data_words, data_chinese = _data()
    for user in db.session.scalars(select(User).where(User.username.in_(DEMO_USERS))):
        user.locale = locale
    db.session.commit()
    wrong, seen = [], 0
    for username in DEMO_USERS:
        client = app.test_client()
        client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
        for path in demo_pages:
            response = client.get(path)
            if response.status_code == 403:
                continue  # not this role's page (tests/test_access.py)
            assert response.status_code == 200, f"{username} {path}"
            seen += 1
            texts = shown_texts(response.get_data(as_text=True))
            if locale == "zh_CN":
                left = english_left(texts, catalog_words, data_words)
            else:
                left = chinese_left(texts, catalog_chinese, data_chinese)
            if left:
                wrong.append(f"{username} {path}: {sorted(left)}")
    assert not wrong, "\n".join(wrong)
    assert seen > len(DEMO_USERS) * 20  # each role opened most pages


def test_the_walk_sees_what_it_looks_for():
    texts = shown_texts(
        '<p title="Open">客户 <b>large_industry</b></p><script>var Open = 1;</script>'
        "<span>Customer 营销人员 档案</span>"
    )
    assert english_left(texts, {"open", "customer"}, {"customer"}) == {"Open", "large_industry"}
    assert chinese_left(texts, "营销人员", "") == {"客户", "档案"}
