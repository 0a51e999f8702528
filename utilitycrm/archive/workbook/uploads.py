"""Uploaded workbooks are kept under instance/imports/, named by their SHA-256, so that the
commit after a preview applies exactly the file that was checked."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import current_app

SUFFIXES = (".xlsx", ".csv", ".zip")


def _folder() -> Path:
    folder = Path(
        current_app.config["IMPORT_FOLDER"] or Path(current_app.instance_path) / "imports"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep(data: bytes, filename: str) -> str:
    digest = hashlib.sha256(data).hexdigest()
    suffix = next((s for s in SUFFIXES if filename.lower().endswith(s)), ".xlsx")
    (_folder() / f"{digest}{suffix}").write_bytes(data)
    return digest


def load(digest: str) -> bytes | None:
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        return None
    for suffix in SUFFIXES:
        path = _folder() / f"{digest}{suffix}"
        if path.exists():
            return path.read_bytes()
    return None
