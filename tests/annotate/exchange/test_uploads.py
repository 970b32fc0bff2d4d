"""Uploaded files' names, kept safe for the job folder they wait in."""

from __future__ import annotations

import pytest

from annotate.exchange.uploads import upload_name


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("threads.jsonl", "threads.jsonl"),
        ("C:\\Users\\me\\threads.jsonl", "threads.jsonl"),
        ("../../etc/threads.jsonl", "threads.jsonl"),
        ("..", "upload"),
        ("", "upload"),
        (None, "upload"),
    ],
)
def test_it_keeps_the_last_part_of_the_name(sent, kept):
    assert upload_name(sent) == kept


def test_it_shortens_a_long_name_to_fit_a_file_system_keeping_its_extension():
    name = upload_name("é" * 300 + ".jsonl")

    assert name.endswith(".jsonl")
    assert len(name.encode()) <= 200
