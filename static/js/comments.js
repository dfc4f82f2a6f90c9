/*
 * The comment request page (documents/comment_request.html): add and remove opinion rows, and quote
 * the text selected in the draft into a row's "quoted passage". No inline scripts (strict CSP).
 */
(function () {
  "use strict";

  function selectedDraftText(source) {
    var selection = window.getSelection ? window.getSelection() : null;
    if (!selection || selection.isCollapsed || !selection.rangeCount) return "";
    var range = selection.getRangeAt(0);
    // Only text chosen inside the draft counts (the server checks the passage is in that version).
    if (!source.contains(range.commonAncestorContainer)) return "";
    return selection.toString().replace(/\s+/g, " ").trim();
  }

  function wireRow(row, source, rows) {
    if (row.dataset.opinionReady) return;
    row.dataset.opinionReady = "1";
    var take = row.querySelector("[data-take-quote]");
    var quote = row.querySelector("[data-quote-input]");
    if (take && quote && source) {
      // Keep the selection: pressing the button must not clear it before it is read.
      take.addEventListener("mousedown", function (event) { event.preventDefault(); });
      take.addEventListener("click", function () {
        var text = selectedDraftText(source);
        if (text) {
          quote.value = text;
          quote.dispatchEvent(new Event("change", { bubbles: true }));
        } else {
          quote.focus();
        }
      });
    }
    var remove = row.querySelector("[data-remove-opinion]");
    if (remove) {
      remove.addEventListener("click", function () {
        if (rows.querySelectorAll("[data-opinion-row]").length > 1) {
          row.remove();
        } else {
          row.querySelectorAll("textarea").forEach(function (field) { field.value = ""; });
        }
      });
    }
  }

  function init(root) {
    var rows = root.querySelector("[data-opinion-rows]");
    if (!rows) return;
    var source = document.querySelector("[data-quote-source]");
    var template = document.getElementById("opinion-row-template");
    rows.querySelectorAll("[data-opinion-row]").forEach(function (row) { wireRow(row, source, rows); });
    var add = root.querySelector("[data-add-opinion]");
    if (add && template && !add.dataset.opinionReady) {
      add.dataset.opinionReady = "1";
      add.addEventListener("click", function () {
        var fragment = template.content.cloneNode(true);
        var row = fragment.querySelector("[data-opinion-row]");
        rows.appendChild(fragment);
        wireRow(row, source, rows);
        var text = row.querySelector("textarea");
        if (text) text.focus();
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
