"""Text of a PDF as a reader's copy-paste would give it."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages)


def pdf_pages(data: bytes) -> int:
    return len(PdfReader(BytesIO(data)).pages)
