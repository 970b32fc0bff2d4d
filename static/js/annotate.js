/*
 * Threadlab annotator workspace: the few things htmx cannot do.
 *
 *  - Turn the browser's text selection into Unicode *code point* offsets of the stored text.
 *    The DOM counts UTF-16 units (an emoji is 2), Python counts code points (an emoji is 1),
 *    and a selection may start or end inside a highlight <mark> or outside the text box.
 *  - Keyboard shortcuts (j/k, label keys, Enter, Esc, ?).
 *  - Show, place and close the claim editor; collapse and expand reply subtrees.
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
  const toast = document.getElementById("toast");
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

  /**
   * The current selection as {box, key, start, end, quote} in code points of one text, or null.
   * A selection that runs out of its text box is clipped to it; leading and trailing
   * white space is left out, as people rarely mean to select it.
   */
  function selectionSpan() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0);
    const boxOf = (node) => {
      const el = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
      return el ? el.closest(".text") : null;
    };
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

  function openNewClaimForm() {
    const span = selectionSpan();
    if (!span) return false;
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
  function showToast(message) {
    toast.textContent = message;
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (toast.hidden = true), 6000);
  }

  // --- Mouse -----------------------------------------------------------------------------------

  document.addEventListener("mouseup", (event) => {
    if (editorEl().contains(event.target) || event.button !== 0) return;
    // Let the browser finish the selection first.
    setTimeout(() => {
      if (!openNewClaimForm()) {
        const mark = event.target.closest && event.target.closest("mark.hl");
        if (mark) editClaim(mark.dataset.top, mark);
      }
    }, 0);
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

  function move(step) {
    const nodes = visibleNodes();
    const i = current ? nodes.indexOf(current) : -1;
    const next = nodes[Math.max(0, Math.min(nodes.length - 1, i + step))];
    setCurrent(next);
  }

  function pressLabelKey(key) {
    if (!current || !current.classList.contains("comment")) return false;
    const control = current.querySelector(":scope > .chead .rl");
    if (!control) return false;
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
    } else if (pressLabelKey(event.key)) {
      event.preventDefault();
    } else {
      return;
    }
  });
})();
