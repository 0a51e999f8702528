"""Text as it is stored: the one normalisation every input goes through (forms, the API,
workbook imports).

Dropped everywhere: C0 control characters but tab, line feed and carriage return (NUL no
text column can store; none can be written to a workbook cell), DEL, and the invisible
bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C), which can make
a contract's text read differently from what was typed.
"""

from __future__ import annotations

import re

_DROPPED = dict.fromkeys(
    [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F,
     *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]
)  # fmt: skip
# The same set as a JSON-Schema pattern: what the API publishes for its text, and refuses.
CLEAN_TEXT_PATTERN = "^[^" + "".join(f"\\u{code:04x}" for code in sorted(_DROPPED)) + "]*$"
_DROPPED_RE = re.compile("[" + "".join(re.escape(chr(code)) for code in _DROPPED) + "]")

# Full-width (全角) digits, Latin letters, hyphen and the ideographic space: what a key
# typed with a Chinese input method differs by. Chinese punctuation （）：，stays as typed.
_FULL_WIDTH = (
    {code: code - 0xFEE0 for code in (0xFF0D, *range(0xFF10, 0xFF1A))}
    | {code: code - 0xFEE0 for code in (*range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}
    | {0x3000: 0x20}
    | _DROPPED
)


def tidy_line(value: object) -> object:
    """One-line text: full-width letters and digits become ASCII; outer spaces go.

    Archive keys (户号, phone numbers, line names) typed with a Chinese input method
    otherwise fail to match the same value typed in half-width.
    """
    if not isinstance(value, str):
        return value
    if value.isascii() and value.isprintable():  # most keys and numbers: nothing to map
        return value.strip()
    return value.translate(_FULL_WIDTH).strip()


def tidy_block(value: object) -> object:
    """Free text keeps its Chinese punctuation; only outer white space and the dropped
    characters go."""
    return value.translate(_DROPPED).strip() if isinstance(value, str) else value


def unclean_paths(value: object, path: tuple = ()) -> list[tuple]:
    """Where a decoded JSON document holds text with a dropped character (the API refuses
    such text rather than change what a program sent)."""
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in unclean_paths(item, (*path, key))]
    if isinstance(value, list):
        return [found for n, item in enumerate(value) for found in unclean_paths(item, (*path, n))]
    return [path] if isinstance(value, str) and _DROPPED_RE.search(value) else []


_CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
                   "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMBER_RUN = re.compile(r"\d+|[零〇一二两三四五六七八九十百千]+")


def _chinese_number(run: str) -> int:
    """一 1, 十二 12, 二十 20, 一百零五 105: the ordinals lines and bays are named with."""
    total, digit = 0, 0
    for char in run:
        if char in _CHINESE_DIGITS:
            digit = _CHINESE_DIGITS[char]
        else:
            total += (digit or 1) * _CHINESE_UNITS[char]
            digit = 0
    return total + digit


def natural_key(text: str | None) -> str:
    """A text to sort names by as people read them: numbers, in digits or Chinese
    numerals, compare by value (城东二线 before 城东十线, L2 before L10)."""

    def padded(match: re.Match) -> str:
        run = match.group()
        value = int(run) if run.isdigit() else _chinese_number(run)
        return f"{value:08d}"

    return _NUMBER_RUN.sub(padded, text or "")
