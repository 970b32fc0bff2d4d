"""Label Studio JSON exports (``--format labelstudio``): text tasks and their annotations.

The file is Label Studio's "JSON" export: a list of tasks::

    [{"id": 7, "data": {"text": "..."},
      "annotations": [{"id": 31, "completed_by": 2, "created_at": "...",
                       "result": [{"id": "r1", "type": "labels", "from_name": "claim",
                                   "value": {"start": 0, "end": 9, "text": "...",
                                             "labels": ["claim"]}},
                                  {"id": "r1", "type": "choices", "from_name": "stance",
                                   "value": {"start": 0, "end": 9, "choices": ["oppose"]}},
                                  ...]}]}]

A ``.json`` file is taken for Label Studio when its first item is an object with
a ``data`` object and ``annotations`` (or ``completions``, Label Studio before
1.0, or ``predictions``); any other ``.json`` is a Reddit thread.

**Tasks to threads.** A task's id in the thread is its ``data.id`` if it has one,
else its Label Studio ``id``. A task without ``data.thread_id`` is an article of
its own (thread id: the task's id). Tasks with ``data.thread_id`` T are the
comments of thread T, replying to the task whose id is ``data.parent_id`` (null,
missing or T: a top-level comment); the thread's article is the task whose id is
T (it may leave ``thread_id`` out). ``data.text`` is the body or comment text;
``data.title`` the article's title (default ``Label Studio task <id>``);
``data.author``, ``data.url`` and ``data.created_at`` (ISO 8601) fill those
fields; every other key of ``data``, and ``labelstudio_task_id``, go to meta.

**Annotations to labels.** Each annotation is one annotator's: ``completed_by``
names them (a user id ``N`` becomes ``labelstudio-N``; an object gives its
``username``, else ``email``, else ``id``; a string is taken as it is), unless
``ReadOptions.annotator`` names one for all; with ``as_gold`` they become gold
(settled by that name, source null). Cancelled annotations (``was_cancelled``)
and predictions are left out and counted. In each annotation's ``result``:

- a ``labels`` result is a region: one claim per label, the label its claim type;
- a ``choices`` result with a region's ``id`` (``perRegion``) sets that region's
  claims' stance (``from_name`` ``stance``, or the region's only choices) or stance
  target (``from_name`` ``stance_target``); further ones become claim attributes
  (choices joined with ", "); without any, the stance is ``neutral`` and the target
  ``thesis`` in the article, ``parent`` in a comment;
- a ``textarea`` result with a region's ``id`` is the claims' note;
- a ``relation`` result (``from_id``, ``to_id``, ``direction``, ``labels``) links
  the first claims of two regions, one relation per label (``support`` without
  one), both ways for ``bi``, from ``to_id`` for ``left``;
- a task-level ``choices`` result: on a comment's task with ``from_name``
  ``reply_label``, the comment's reply label toward its parent; otherwise kept in
  the text's meta, ``labelstudio_choices: [{"annotator", "from_name", "choices"}]``;
- any other result is left out and counted.

**Offsets.** A region's ``start``/``end`` are read as code points when its
``text`` is there; otherwise as UTF-16 code units (older Label Studio versions),
converted and counted as "regions converted from UTF-16"; a region whose text is
at neither is an error naming the task, the annotation and the region.

Claim ids are ``<task>/<annotation>/<region>`` (``/2``, ``/3`` for a region's
further labels). Errors are FormatErrors naming the file, the line the task
starts on, the task, annotation and region.
"""

from threads.formats.labelstudio.reading import is_export, parse, read

__all__ = ["is_export", "parse", "read"]
