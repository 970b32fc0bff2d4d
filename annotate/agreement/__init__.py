"""Inter-annotator agreement for Threadlab: pure computation, no ORM.

Plain records in (``records``), plain JSON-able dicts out (``report``). The database side
builds a ``ThreadStudy`` per thread, may cache ``thread_figures`` per thread as JSON, and
renders reports with ``thread_report``/``corpus_report`` or from cached pieces with
``corpus_report_from_pieces``. A cached piece whose ``version`` is not ``PIECE_VERSION`` is
stale whatever its thread did, and is refused. The exact definitions are in DESIGN.md ("Agreement").
"""

from annotate.agreement.figures import PIECE_VERSION, thread_figures
from annotate.agreement.records import ClaimRecord, ReplyLabelRecord, Text, ThreadStudy
from annotate.agreement.report import (
    corpus_level_from_pieces,
    corpus_report,
    corpus_report_from_pieces,
    thread_report,
    thread_report_from_piece,
)

__all__ = [
    "PIECE_VERSION",
    "ClaimRecord",
    "ReplyLabelRecord",
    "Text",
    "ThreadStudy",
    "corpus_report",
    "corpus_level_from_pieces",
    "corpus_report_from_pieces",
    "thread_figures",
    "thread_report",
    "thread_report_from_piece",
]
