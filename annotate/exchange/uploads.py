"""Uploaded files: capped while they stream in, and named safely.

Django reads an upload through the handlers of ``FILE_UPLOAD_HANDLERS`` chunk by chunk;
:class:`CappedUploadHandler` comes first and stops the upload once it passes
``MAX_UPLOAD_MB``, so an oversized file is never written whole to disk or held in memory.
The view then asks :func:`upload_refusal` why the file is missing and shows that on the form.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest


class CappedUploadHandler(FileUploadHandler):
    """Counts each file's bytes as they arrive and stops the upload past ``MAX_UPLOAD_MB``.

    It keeps nothing itself: the chunks go on to the next handler (memory, then a temporary
    file). On refusal the rest of the request is read and thrown away (not stored), so the
    browser gets the form back with the reason instead of a reset connection.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = settings.MAX_UPLOAD_MB * 1024 * 1024
        self.refused: str | None = None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            name = self.file_name or "the file"
            self.refused = (
                f"{name} is larger than the {settings.MAX_UPLOAD_MB} MB an upload may be "
                "(MAX_UPLOAD_MB): nothing was imported. Split it, or import it on the server "
                "with manage.py import_threads."
            )
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the file

    def upload_complete(self) -> Any:
        return None


def upload_refusal(request: HttpRequest) -> str | None:
    """Why the request's upload was stopped (too large), or None if it was not."""
    for handler in request.upload_handlers:
        if isinstance(handler, CappedUploadHandler) and handler.refused:
            return handler.refused
    return None


# A file name takes at most 255 bytes on common file systems; leave room to spare.
_NAME_BYTES = 200


def upload_name(name: str | None) -> str:
    """The last part of an uploaded file's name (a browser may send a whole path), never a
    name that means a folder, shortened to fit a file system (its extension kept)."""
    safe = Path((name or "").replace("\\", "/")).name
    if safe in ("", ".", ".."):
        return "upload"
    if len(safe.encode()) > _NAME_BYTES:
        suffix = Path(safe).suffix[:20]
        stem = safe[: len(safe) - len(suffix)].encode()[: _NAME_BYTES - len(suffix.encode())]
        safe = stem.decode(errors="ignore") + suffix
    return safe
