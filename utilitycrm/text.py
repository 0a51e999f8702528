"""Text as it is stored: the one normalisation every input goes through (forms, the API,
workbook imports).

Dropped everywhere: C0 control characters but tab, line feed and carriage return (NUL no
text column can store; none can be written to a workbook cell), DEL, and the invisible
bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C), which can make
a contract's text read differently from what was typed.
"""

from __future__ import annotations

_DROPPED = dict.fromkeys(
    [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F,
     *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]
)  # fmt: skip
# Full-width forms (全角) of ASCII, U+FF01–U+FF5E, and the ideographic space.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20} | _DROPPED


def tidy_line(value: object) -> object:
    """One-line text: full-width letters, digits and signs become ASCII; outer spaces go.

    Archive keys (户号, phone numbers, line names) typed with a Chinese input method
    otherwise fail to match the same value typed in half-width.
    """
    if not isinstance(value, str):
        return value
    return value.translate(_FULL_WIDTH).strip()


def tidy_block(value: object) -> object:
    """Free text keeps its Chinese punctuation; only outer white space and the dropped
    characters go."""
    return value.translate(_DROPPED).strip() if isinstance(value, str) else value


def tidy_data(value: object) -> object:
    """Every string of a decoded JSON document tidied as free text (an API request)."""
    if isinstance(value, dict):
        return {tidy_data(key): tidy_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [tidy_data(item) for item in value]
    return tidy_block(value)
