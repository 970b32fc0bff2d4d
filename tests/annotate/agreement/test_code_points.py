"""Offsets are code points: emoji outside the BMP count as one, not as two UTF-16 units."""

from __future__ import annotations

from annotate.agreement import Text, ThreadStudy, thread_report
from annotate.agreement.unitizing import Unit, continuum_units, unitizing_alpha
from tests.annotate.agreement.brute_force import brute_alpha_u, brute_units
from tests.annotate.agreement.builders import claim

ARTICLE = "🙂🙂 Rain is wet. 🌧️🌧️ Really wet."
COMMENT = "👍🏽 Agreed: rain is wet, 💯."
QUOTES = [
    ("a", None, ARTICLE, "Rain is wet."),
    ("a", 1, COMMENT, "rain is wet"),
    ("b", None, ARTICLE, "Rain is wet"),
    ("b", 1, COMMENT, "Agreed: rain is wet, 💯"),
    ("b", None, ARTICLE, "Really wet."),
]


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def thread(offsets_in_utf16: bool) -> ThreadStudy:
    """The same annotation, with offsets read as code points or (wrongly) as UTF-16 units."""
    measure = utf16_units if offsets_in_utf16 else len
    texts = [Text(None, measure(ARTICLE), 0), Text(1, measure(COMMENT), 1)]
    claims = []
    for annotator, key, text, quote in QUOTES:
        start = text.index(quote)
        claims.append(
            claim(
                annotator, measure(text[:start]), measure(text[:start]) + measure(quote), text=key
            )
        )
    return ThreadStudy(texts=texts, claims=claims, reply_labels=[], annotators=["a", "b"])


def test_it_reads_offsets_as_code_points_that_give_back_the_quotes():
    code_points = thread(offsets_in_utf16=False)
    texts = {None: ARTICLE, 1: COMMENT}
    quotes = [texts[c.text_key][c.start : c.end] for c in code_points.claims]
    assert quotes == [quote for *_, quote in QUOTES]
    assert code_points.texts[0].length == len(ARTICLE) < utf16_units(ARTICLE)


def test_it_computes_alpha_u_on_the_code_point_continuum():
    code_points = thread(offsets_in_utf16=False)
    length, units = brute_units(code_points.texts, code_points.claims)
    assert length == len(ARTICLE) + len(COMMENT)
    expected_alpha = brute_alpha_u(length, ["a", "b"], units)[0]
    report = thread_report(code_points)
    assert report["claims"]["alpha_u"]["pooled"]["alpha"] == float(expected_alpha)


def test_it_would_give_another_alpha_u_if_offsets_were_utf16_units():
    code_points = unitizing_alpha(*_study_args(thread(offsets_in_utf16=False)))
    utf16 = unitizing_alpha(*_study_args(thread(offsets_in_utf16=True)))
    assert code_points.alpha is not None and utf16.alpha is not None
    assert abs(code_points.alpha - utf16.alpha) > 1e-3


def _study_args(study: ThreadStudy) -> tuple[int, list[str], list[Unit]]:
    length, units = continuum_units(study.texts, study.claims)
    return length, list(study.annotators), units
