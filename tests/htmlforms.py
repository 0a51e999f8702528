"""The forms of a rendered page as a browser would submit them: action, method and the
fields with their current values. Used by the form fuzz and by bench/load.py, which both
post what a user's browser would post."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageForm:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    # Every value a select or a radio group offers, by field name.
    options: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def values(self) -> dict[str, str]:
        return dict(self.fields)


class _FormReader(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: str | None = None
        self._select_default: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            action = a.get("action") or self.page_url
            self._form = PageForm(action=action, method=(a.get("method") or "get").lower())
            self.forms.append(self._form)
            return
        form, name = self._form, a.get("name")
        if tag == "option" and form is not None and self._select is not None:
            value = a.get("value", "")
            form.options[self._select].append(value)
            if self._select_default is None or "selected" in a:
                self._select_default = value
            return
        if form is None or not name or "disabled" in a:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            if kind == "file":
                form.files.append(name)
            elif kind in ("checkbox", "radio"):
                form.options.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            else:
                form.fields.append((name, a.get("value", "")))
        elif tag == "select":
            self._select, self._select_default = name, None
            form.options.setdefault(name, [])
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._form is not None and self._select is not None:
            if self._select_default is not None:
                self._form.fields.append((self._select, self._select_default))
            self._select = None
        elif tag == "textarea" and self._form is not None and self._textarea is not None:
            self._form.fields.append((self._textarea, "".join(self._text)))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)


def page_forms(page_url: str, html: str) -> list[PageForm]:
    """The page's forms; an option's `selected` wins over the first option, as in a browser."""
    reader = _FormReader(page_url)
    reader.feed(html)
    return reader.forms
