/*
 * Threadlab annotator workspace: the few things htmx cannot do.
 *
 *  - Turn the browser's text selection into Unicode *code point* offsets of the stored text.
 *    The DOM counts UTF-16 units (an emoji is 2), Python counts code points (an emoji is 1),
 *    and a selection may start or end inside a highlight <mark> or outside the text box.
 *  - Keyboard shortcuts (j/k, label keys, Enter, Esc, ?). A comment has a reply-label bar for
 *    each direction its corpus labels (toward the parent, toward the article): the label keys
 *    set the first bar, Shift with the same keys the second (Shift+1 is "!" as a key on most
 *    layouts, so the second bar reads the physical key, event.code).
 *  - Show, place and close the claim editor; collapse and expand reply subtrees.
 *  - Open the claim form on a touchscreen too (no mouseup there: the selection settles, then
 *    the finger lifts), and say so when a selection runs across two texts.
 *  - Ask before marking a thread done with comments still unlabelled; keep a done thread
 *    read-only in the page (the server refuses changes anyway); hide the notice (with its
 *    "Undo" after a delete) after a few seconds.
 *  - j at the last loaded comment loads the next page of comments (htmx loads it by itself
 *    when its marker scrolls into view).
 *
 * Everything is one set of listeners on the document (event delegation), so a thread of
 * 2,000 comments costs no per-comment set-up. No framework, no build step.
 */
(function () {
  "use strict";

  // htmx: swap the form with its messages on 409/422 (the server says what is wrong);
  // any other 4xx/5xx is not swapped and shows a notice instead.
  if (window.htmx) {
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "409", swap: true, error: false },
      { code: "422", swap: true, error: false },
      { code: "[45]..", swap: false, error: true },
    ];
  }

  const workspace = document.getElementById("workspace");
  if (!workspace) return;
  // The editor element is replaced by out-of-band swaps after a save: always look it up.
  const editorEl = () => document.getElementById("editor");
  // The notice is replaced by out-of-band swaps too (the undo offer after a delete).
  const toastEl = () => document.getElementById("toast");
  const shortcuts = document.getElementById("shortcuts");
  const replyKeys = JSON.parse(workspace.dataset.replyKeys || "{}");
  let anchorRect = null; // where the last selection or clicked claim was, to place the editor

  // --- Offsets ---------------------------------------------------------------------------------

  /** Number of code points in a string (a surrogate pair counts once). */
  function codePoints(s) {
    let n = 0;
    for (const _ of s) n++;
    return n;
  }

  /** Code points from the start of text box `box` to the DOM position (node, offset). */
  function offsetIn(box, node, offset) {
    const range = document.createRange();
    range.selectNodeContents(box);
    range.setEnd(node, offset); // the text before the position, across any <mark>s
    return codePoints(range.toString());
  }

  const boxOf = (node) => {
    const el = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return el ? el.closest(".text") : null;
  };

  /** Whether a selection touches more than one text (a claim lies within one). */
  function crossesTexts(range) {
    const a = boxOf(range.startContainer);
    const b = boxOf(range.endContainer);
    if (a && b) return a !== b;
    // One end outside every text (a header, the gap between comments): look at the texts
    // between the two ends.
    const root = range.commonAncestorContainer;
    if (root.nodeType !== Node.ELEMENT_NODE) return false;
    let touched = 0;
    for (const box of root.querySelectorAll(".text")) {
      if (range.intersectsNode(box) && ++touched > 1) return true;
    }
    return false;
  }

  /**
   * The current selection as {box, key, start, end, quote} in code points of one text, or null.
   * A selection that runs a little out of its text box (into a header) is clipped to it;
   * leading and trailing white space is left out, as people rarely mean to select it.
   */
  function selectionSpan() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0);
    const box = boxOf(range.startContainer) || boxOf(range.endContainer);
    if (!box || !workspace.contains(box)) return null;
    const chars = Array.from(box.textContent); // one entry per code point
    let start = box.contains(range.startContainer)
      ? offsetIn(box, range.startContainer, range.startOffset)
      : 0;
    let end = box.contains(range.endContainer)
      ? offsetIn(box, range.endContainer, range.endOffset)
      : chars.length;
    while (start < end && /\s/.test(chars[start])) start++;
    while (end > start && /\s/.test(chars[end - 1])) end--;
    if (start >= end) return null;
    return { box, key: box.dataset.text, start, end, quote: chars.slice(start, end).join("") };
  }

  const readonly = () => workspace.classList.contains("readonly");
  const READONLY_MESSAGE =
    "This thread is marked done, so its labels are read-only: reopen it to change them.";
  let openedFor = ""; // the span the form was last opened for (touch sends many events)

  function openNewClaimForm() {
    const sel = window.getSelection();
    if (sel && sel.rangeCount && !sel.isCollapsed && crossesTexts(sel.getRangeAt(0))) {
      const r = sel.getRangeAt(0);
      if (workspace.contains(r.commonAncestorContainer)) {
        showToast(
          "A claim lies within one text: this selection runs across two. " +
            "Select inside the article or inside one comment.",
        );
        return true;
      }
    }
    const span = selectionSpan();
    if (!span) return false;
    if (readonly()) {
      showToast(READONLY_MESSAGE);
      return true;
    }
    const spanKey = [span.key, span.start, span.end].join(":");
    if (spanKey === openedFor && editorOpen()) return true;
    openedFor = spanKey;
    const rects = window.getSelection().getRangeAt(0).getClientRects();
    anchorRect = rects.length ? rects[rects.length - 1] : span.box.getBoundingClientRect();
    const params = new URLSearchParams({
      text: span.key,
      start: span.start,
      end: span.end,
      quote: span.quote,
    });
    htmx.ajax("GET", workspace.dataset.newUrl + "?" + params.toString(), {
      target: "#editor",
      swap: "innerHTML",
    });
    setCurrent(span.box.closest(".node"));
    return true;
  }

  // --- Editor ----------------------------------------------------------------------------------

  function editorOpen() {
    return !editorEl().hidden;
  }

  function closeEditor() {
    openedFor = "";
    const editor = editorEl();
    editor.hidden = true;
    editor.innerHTML = "";
    const sel = window.getSelection();
    if (sel) sel.removeAllRanges();
    if (current) current.focus({ preventScroll: true });
  }

  /** Put the editor just below the selection (or the clicked claim), inside the window. */
  function placeEditor() {
    const editor = editorEl();
    editor.hidden = false;
    const r = anchorRect || { left: 40, bottom: 120 };
    const width = editor.offsetWidth;
    const left = Math.max(8, Math.min(r.left, window.innerWidth - width - 16));
    let top = r.bottom + 8;
    if (top + editor.offsetHeight > window.innerHeight - 8 && r.top > editor.offsetHeight + 16) {
      top = r.top - editor.offsetHeight - 8; // no room below: open above
    }
    editor.style.left = left + window.scrollX + "px";
    editor.style.top = Math.max(8, top) + window.scrollY + "px";
    const form = editor.querySelector("form");
    (form || editor.querySelector("button")).focus({ preventScroll: true });
  }

  document.body.addEventListener("htmx:afterSwap", (event) => {
    const editor = editorEl();
    if (event.detail.target === editor) {
      // htmx wires up swapped-in content only when it settles, some 20 ms on: until then
      // Enter in the form would post it as a plain form and reload the page. Wire it now.
      if (editor.innerHTML.trim()) {
        htmx.process(editor);
        placeEditor();
      } else {
        editor.hidden = true;
      }
    }
  });

  // A signed-out session turns every htmx request into a redirect to the sign-in page, which
  // the browser follows: never swap that page into the thread; say what happened instead.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const url = event.detail.xhr.responseURL || "";
    if (url.includes("/accounts/login/")) {
      event.detail.shouldSwap = false;
      showToast("You are signed out, so nothing was saved. Reload the page to sign in again.");
    }
  });

  document.body.addEventListener("htmx:responseError", (event) => {
    const status = event.detail.xhr.status;
    const messages = {
      400: "The server could not read that request. Reload the page and try again.",
      403: "Refused: your session may have expired (sign in again) or this is not yours to change. Reload the page.",
      404: "Not found: it is not among your threads or labels. Reload the page.",
    };
    showToast(messages[status] || `Something went wrong on the server (${status}). Nothing was saved.`);
  });
  document.body.addEventListener("htmx:sendError", () => {
    showToast("The server cannot be reached. Nothing was saved; try again.");
  });

  let toastTimer = null;
  /** Hide the notice after `ms`, unless another one replaces it first. */
  function hideToastLater(ms) {
    clearTimeout(toastTimer);
    // Hidden, not emptied: an "Undo" just pressed still owns its request.
    toastTimer = setTimeout(() => (toastEl().hidden = true), ms);
  }

  function showToast(message) {
    const toast = toastEl();
    toast.textContent = message;
    toast.hidden = false;
    hideToastLater(6000);
  }

  // The server's notices (after a delete: "Undo" for ten seconds; a refused undo).
  document.body.addEventListener("htmx:oobAfterSwap", (event) => {
    if (event.detail.target && event.detail.target.id === "toast") hideToastLater(10000);
  });

  document.body.addEventListener("htmx:afterSettle", () => {
    // The status panel says whether the thread is done: the page follows it.
    const status = document.getElementById("status");
    if (status) workspace.classList.toggle("readonly", status.dataset.status === "done");
    if (pendingMove && move(1, false)) pendingMove = false; // j waited for the next page
  });
  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target && event.detail.target.id === "toast") hideToastLater(6000);
  });

  // "Mark thread done" asks first when some comments carry no label yet.
  document.body.addEventListener("htmx:confirm", (event) => {
    const form = event.detail.elt;
    if (!form.closest || !form.closest("#status")) return;
    const status = form.querySelector("input[name=status]");
    const bar = document.getElementById("progress-bar");
    if (!status || status.value !== "done" || !bar) return;
    const labelled = Number(bar.getAttribute("aria-valuenow"));
    const total = Number(bar.getAttribute("aria-valuemax"));
    if (labelled >= total) return;
    event.preventDefault();
    const left = total - labelled;
    const question =
      `${left} of ${total} comment${total === 1 ? "" : "s"} ${left === 1 ? "has" : "have"} ` +
      "no label yet. Mark the thread done anyway? It becomes read-only until you reopen it.";
    if (window.confirm(question)) event.detail.issueRequest(true);
  });

  // --- Mouse, pen and touch ----------------------------------------------------------------

  /** After a selection ends: open the claim form for it, or the claim under the pointer. */
  function selectionEnded(target) {
    // Let the browser finish the selection first.
    setTimeout(() => {
      if (!openNewClaimForm()) {
        const mark = target && target.closest && target.closest("mark.hl");
        if (mark) editClaim(mark.dataset.top, mark);
      }
    }, 0);
  }

  let touching = false; // a finger is on the screen
  let lastPointer = "mouse";
  document.addEventListener("pointerdown", (event) => {
    lastPointer = event.pointerType || "mouse";
    if (lastPointer === "touch") touching = true;
  });
  document.addEventListener("pointerup", (event) => {
    if (editorEl().contains(event.target)) return;
    if (event.pointerType === "touch") return; // touchend below
    if (event.button !== 0) return;
    selectionEnded(event.target);
  });
  document.addEventListener("touchend", (event) => {
    touching = false;
    lastPointer = "touch";
    if (editorEl().contains(event.target)) return;
    selectionEnded(event.target);
  });
  // On a touchscreen the selection is made by a long press and then changed with its handles,
  // with no pointer event at the end: open the form once it has stayed still for a moment.
  let selectionTimer = null;
  document.addEventListener("selectionchange", () => {
    if (lastPointer !== "touch") return; // mouse and keyboard have their own ends
    clearTimeout(selectionTimer);
    selectionTimer = setTimeout(() => {
      if (!touching && !editorEl().contains(document.activeElement)) openNewClaimForm();
    }, 450);
  });

  /** Open the edit form of a claim by clicking its chip in the claim list. */
  function editClaim(id, near) {
    const chip = document.getElementById("claim-" + id);
    if (!chip) return;
    anchorRect = (near || chip).getBoundingClientRect();
    chip.click();
  }

  document.addEventListener("click", (event) => {
    const chip = event.target.closest(".chip");
    if (chip && event.isTrusted) anchorRect = chip.getBoundingClientRect();
    if (event.target.closest("#editor .cancel")) closeEditor();
    if (event.target.closest("#toast .undo")) hideToastLater(0);
    const toggle = event.target.closest(".toggle");
    if (toggle) toggleReplies(toggle.closest(".comment"));
    const node = event.target.closest(".node");
    if (node && !editorEl().contains(event.target)) setCurrent(node, false);
  });

  function toggleReplies(comment) {
    if (!comment) return;
    const button = comment.querySelector(":scope > .chead .toggle");
    if (!button) return;
    const collapsed = comment.classList.toggle("collapsed");
    button.setAttribute("aria-expanded", String(!collapsed));
  }

  // --- Keyboard --------------------------------------------------------------------------------

  let current = null;

  function setCurrent(node, scroll = true) {
    if (!node) return;
    if (current) current.classList.remove("current");
    current = node;
    current.classList.add("current");
    if (scroll) {
      current.focus({ preventScroll: true });
      current.scrollIntoView({ block: "nearest" });
    }
  }

  /** The visible posts and comments, in page order (collapsed subtrees left out). */
  function visibleNodes() {
    const nodes = Array.from(workspace.querySelectorAll(".node"));
    if (!workspace.querySelector(".collapsed")) return nodes; // the common case: no walk up
    return nodes.filter((n) => !n.parentElement.closest(".collapsed > .replies"));
  }

  let pendingMove = false;

  /** Move `step` comments; j at the last loaded comment loads the next page and moves after
   * it arrives. Returns whether it moved. */
  function move(step, load = true) {
    const nodes = visibleNodes();
    const i = current ? nodes.indexOf(current) : -1;
    if (step > 0 && i === nodes.length - 1) {
      const more = document.getElementById("more");
      if (more && load) {
        pendingMove = true;
        htmx.trigger(more, "more");
      }
      return false;
    }
    const next = nodes[Math.max(0, Math.min(nodes.length - 1, i + step))];
    setCurrent(next);
    return true;
  }

  /** The key a label shortcut names: the key itself, or with Shift the unshifted key of the
   * same physical key (a digit or a letter). */
  function labelKey(event) {
    if (!event.shiftKey) return event.key;
    const code = /^(?:Digit|Numpad)(\d)$|^Key([A-Z])$/.exec(event.code || "");
    return code ? code[1] || code[2].toLowerCase() : "";
  }

  /** Press a reply-label key on the current comment's first bar (`bar` 0) or second (1). */
  function pressLabelKey(key, bar) {
    if (!current || !current.classList.contains("comment")) return false;
    const control = current.querySelectorAll(":scope > .chead .rl")[bar];
    if (!control) return false;
    if (readonly() && (key === "0" || replyKeys[key])) {
      showToast(READONLY_MESSAGE);
      return true;
    }
    if (key === "0") {
      const on = control.querySelector(".rlb.on");
      if (on) on.click(); // clicking the chosen label again clears it
      return true;
    }
    // The schema's reply-label keys map to value ids (data-reply-keys on the workspace).
    const valueId = replyKeys[key];
    const button = valueId && control.querySelector(".rlb.v" + valueId);
    if (!button) return false;
    if (!button.classList.contains("on")) button.click();
    return true;
  }

  function pickInEditor(key) {
    const radio = Array.from(editorEl().querySelectorAll("input[type=radio]")).find(
      (r) => r.dataset.key === key,
    );
    if (!radio) return false;
    radio.checked = true;
    return true;
  }

  // --- Selecting from the keyboard ---------------------------------------------------------
  // Enter on the current comment selects its whole text; Shift+Arrow moves the end of the
  // selection (with Ctrl: by word), Alt+Shift+Arrow moves its start; Enter opens the form.

  function selectWholeText(node) {
    const box = node && node.querySelector(":scope > .tb > .text");
    if (!box) return false;
    const range = document.createRange();
    range.selectNodeContents(box);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    return true;
  }

  function adjustSelection(event) {
    const sel = window.getSelection();
    if (!sel || sel.isCollapsed || !selectionSpan()) return false;
    const direction = event.key === "ArrowRight" ? "forward" : "backward";
    const unit = event.ctrlKey ? "word" : "character";
    if (event.altKey) {
      // Selection.modify only moves the focus end: swap the ends, move, swap back.
      const { anchorNode, anchorOffset, focusNode, focusOffset } = sel;
      sel.setBaseAndExtent(focusNode, focusOffset, anchorNode, anchorOffset);
      sel.modify("extend", direction, unit);
      sel.setBaseAndExtent(sel.focusNode, sel.focusOffset, focusNode, focusOffset);
    } else {
      sel.modify("extend", direction, unit);
    }
    return true;
  }

  document.addEventListener("keydown", (event) => {
    const arrow = event.key === "ArrowLeft" || event.key === "ArrowRight";
    if (arrow && event.shiftKey && !editorOpen() && adjustSelection(event)) {
      event.preventDefault();
      return;
    }
    if (event.defaultPrevented || event.altKey || event.metaKey) return;
    const typing = event.target.closest("textarea, input:not([type=radio]), select");
    if (shortcuts.open) return; // the dialog handles Esc itself
    if (editorOpen()) {
      if (event.key === "Escape") {
        event.preventDefault();
        closeEditor();
      } else if (event.key === "Enter" && (!typing || event.ctrlKey)) {
        const form = editorEl().querySelector("form");
        if (form) {
          event.preventDefault();
          form.requestSubmit();
        }
      } else if (!typing && !event.ctrlKey && pickInEditor(event.key)) {
        event.preventDefault();
      }
      return;
    }
    if (typing || event.ctrlKey) return;
    if (event.key === "Enter" && openNewClaimForm()) {
      event.preventDefault(); // a selection made from the keyboard
    } else if (event.key === "Enter" && selectWholeText(current)) {
      event.preventDefault();
    } else if (event.key === "j") {
      move(1);
    } else if (event.key === "k") {
      move(-1);
    } else if (event.key === "x") {
      toggleReplies(current);
    } else if (event.key === "?") {
      shortcuts.showModal();
    } else if (event.key === "Escape") {
      window.getSelection().removeAllRanges();
    } else if (pressLabelKey(labelKey(event), event.shiftKey ? 1 : 0)) {
      event.preventDefault();
    } else {
      return;
    }
  });
})();
