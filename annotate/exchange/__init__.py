"""Whole labelled corpora in and out of the database: import and export.

The format codecs (``threads.formats``) are pure: files in, plain records out,
and back. These services join them to the models of both apps, so they live
here, beside the ``import_threads`` and ``export_corpus`` commands, the admin
upload and the API export: :mod:`.importer` reads files into the database in
one transaction, :mod:`.exporter` streams a corpus out.
"""

from annotate.exchange.exporter import (
    EXPORT_FORMATS,
    ExportSummary,
    corpus_export,
    corpus_export_stream,
    corpus_threads,
    pseudonym,
)
from annotate.exchange.importer import (
    ORPHAN_POLICIES,
    ImportSummary,
    threads_import,
    threads_import_upload,
)

__all__ = [
    "EXPORT_FORMATS",
    "ORPHAN_POLICIES",
    "ExportSummary",
    "ImportSummary",
    "corpus_export",
    "corpus_export_stream",
    "corpus_threads",
    "pseudonym",
    "threads_import",
    "threads_import_upload",
]
