"""Evidence uploads: type by content (not by name), a size limit, sha256, stored outside static files."""
from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

MAX_BYTES = 20 * 1024 * 1024
ALLOWED = ("pdf", "ofd", "docx", "xlsx", "jpg", "png")
MEDIA = {"pdf": "application/pdf", "ofd": "application/ofd", "jpg": "image/jpeg", "png": "image/png",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def sniff(data: bytes, name: str = "", whole: bytes | None = None) -> str | None:
    """The allowed type of a file from its bytes, or None. OFD, DOCX and XLSX are all ZIP files: their
    members tell them apart (OFD.xml; word/; xl/)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(whole if whole is not None else data)).namelist()
        except (zipfile.BadZipFile, ValueError, OSError):
            names = []
        if not names:  # only the head was given: judge by the first member's name
            head = data[30:30 + int.from_bytes(data[26:28], "little")].decode("utf-8", "replace")
            names = [head]
        if any(n == "OFD.xml" or n.endswith("/OFD.xml") for n in names):
            return "ofd"
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
    return None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
