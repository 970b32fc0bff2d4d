"""brat standoff: a ``NAME.txt`` and its ``NAME.ann``, with an optional post map.

Read (``--format brat``; a ``.ann`` or ``.txt`` of a pair, or a folder of
pairs), a ``.txt`` is one article, or with a post map beside it
(``NAME.metadata``, as in the CMV "modes of persuasion" corpus) a thread: see
:mod:`.postmap`. The ``.ann`` lines (:mod:`.standoff`) become claims: a ``T``
span is a claim whose claim type is the brat type; the attribute named by
``ReadOptions.stance_attribute`` (default ``Stance``) is its stance
(``neutral`` when it has none), a ``StanceTarget`` attribute or relation its
stance target (default ``thesis`` in the article, ``parent`` in a comment),
every other attribute is kept in ``attributes``; an ``R`` relation becomes a
relation of the first span's claim to the second's, typed by its name; the
``#`` notes on a span become its note. Offsets count code points, or UTF-8 bytes
in a file whose quotes only match that way (:mod:`.offsets`, counted in
``ReadOptions.counts["byte-offset files"]``). Whose labels they are, and which
are gold: :mod:`.reading`.

Written (:mod:`.writing`): a folder or zip with a ``.txt``, ``.ann`` and post map
per thread and annotator, gold apart, and an ``annotation.conf``; it reads back
as the same threads and labels.

Pure code, like every codec: files in, records out, and back.
"""

from threads.formats.brat.reading import read
from threads.formats.brat.writing import thread_files, write, write_zip

__all__ = ["read", "thread_files", "write", "write_zip"]
