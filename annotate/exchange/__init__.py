"""Whole labelled corpora in and out of the database: import and export.

The format codecs (``threads.formats``) are pure: files in, plain records out,
and back. These services join them to the models of both apps, so they live
here, beside the ``import_threads`` and ``export_corpus`` commands, the admin
upload and the API export. One module per stage:

- import (:mod:`.importer`, the services, in one transaction): :mod:`.reading`
  (files and uploads to records), :mod:`.checking` (records checked against
  the corpus schema and the claim rules of ``annotate.rules``, into
  :mod:`.rows`), :mod:`.accounts` (annotator names to accounts),
  :mod:`.writing` (the rows inserted in bulk);
- export (:mod:`.exporter`, the services): :mod:`.export_rows` (the corpus
  read out as records through raw SQL, chunk by chunk), :mod:`.streaming`
  (records to bytes chunks for a streaming response).
"""

from annotate.exchange.export_rows import corpus_threads, pseudonym
from annotate.exchange.exporter import (
    EXPORT_FORMATS,
    ExportSummary,
    corpus_export,
    corpus_export_stream,
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
