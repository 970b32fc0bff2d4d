"""Cursor pagination for the API's long lists.

Pages are ordered by ``id`` (keyset: ``WHERE id > last id``), so a page is one
indexed query however deep the client has paged, and rows inserted while a
client pages appear at the end instead of shifting pages already read.
"""

from __future__ import annotations

from rest_framework.exceptions import NotFound, ParseError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request

MAX_ID = 2**63 - 1


class IdCursorPagination(CursorPagination):
    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    cursor_query_description = (
        "Where to continue: copy the `next` or `previous` link of the last page; "
        "do not build cursors by hand."
    )
    page_size_query_description = "Rows a page (default 100, at most 1000)."
    invalid_cursor_message = (
        "Invalid cursor: use the `next` or `previous` link of a page as it is, "
        "or leave `cursor` out to start from the first page."
    )

    def decode_cursor(self, request: Request) -> Cursor | None:
        # DRF answers a bad cursor with a 404; it is a bad request, and a
        # cursor whose position is not an id would otherwise reach the query.
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise ParseError(self.invalid_cursor_message) from None
        if cursor is not None and cursor.position is not None:
            position = str(cursor.position)  # a string as decoded, whatever the stubs say
            if not (position.isascii() and position.isdigit() and int(position) <= MAX_ID):
                raise ParseError(self.invalid_cursor_message)
        return cursor
