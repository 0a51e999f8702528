"""Files users upload, known by their content: the first bytes say what a file is, never
its name or the type the browser claims, so that nothing is served as what it is not."""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

# Signature -> (media type, extension): the documents and pictures the app keeps.
KNOWN = {
    b"%PDF-": ("application/pdf", ".pdf"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
}


def sniff(data: bytes) -> tuple[str, str] | None:
    """The media type and extension the content shows, None for anything else."""
    return next((known for magic, known in KNOWN.items() if data.startswith(magic)), None)


def safe_name(filename: str | None, extension: str, fallback: str) -> str:
    """The uploaded name without its folders, ending in the extension its content has
    (a picture named .html downloads as .html.png)."""
    name = PureWindowsPath(PurePosixPath(filename or "").name).name.strip() or fallback
    if not name.lower().endswith(extension):
        name += extension
    return name[-200:]
