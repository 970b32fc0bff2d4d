/*
 * Threadlab review page: jump between disagreements, accept from the keyboard.
 *
 * annotate.js does the rest on this page (text selection to code points for drawing a gold
 * claim, the claim form, j/k, x, ?). Here only what it has no notion of:
 *  - n / p: move to the next / previous disagreement (elements with data-stop, in page order:
 *    the first annotator's claim of each disagreeing span, a comment's disagreeing reply
 *    labels), scroll it into view and mark it current;
 *  - a: accept the claim at the current disagreement (clicks its Accept button).
 * Event delegation on the document, as in annotate.js, so htmx swaps need no re-wiring.
 */
(function () {
  "use strict";

  if (!document.querySelector(".review-page #workspace")) return;
  const editor = () => document.getElementById("editor");
  let current = null; // the element of the current disagreement

  function stops() {
    return Array.from(document.querySelectorAll("#thread [data-stop]"));
  }

  /** Move `step` stops from the current one (from the top when there is none). */
  function jump(step) {
    const all = stops();
    if (!all.length) return;
    // The current stop may have been swapped out by htmx: find where it was by its id.
    let i = current ? all.findIndex((el) => el === current || (el.id && el.id === current.id)) : -1;
    if (i === -1) i = step > 0 ? -1 : all.length;
    const next = all[Math.max(0, Math.min(all.length - 1, i + step))];
    if (current) current.classList.remove("dis-current");
    current = next;
    current.classList.add("dis-current");
    current.scrollIntoView({ block: "center" });
    current.focus({ preventScroll: true });
  }

  function acceptCurrent() {
    const el = current && document.contains(current) ? current : document.activeElement;
    const button = el && el.closest(".rc") && el.closest(".rc").querySelector("button.acc");
    if (!button) return false;
    button.click();
    return true;
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey || event.metaKey || event.ctrlKey) return;
    if (!editor().hidden) return; // the claim form has its own keys (n is a stance there)
    if (event.target.closest("textarea, input, select")) return;
    const dialog = document.getElementById("shortcuts");
    if (dialog && dialog.open) return;
    if (event.key === "n") jump(1);
    else if (event.key === "p") jump(-1);
    else if (event.key === "a" && acceptCurrent());
    else return;
    event.preventDefault();
  });
})();
