// Follows pictures on their way to AdultWork: polls the upload's progress and, whenever it moves, puts
// the page's progress section and picture table in place from a fresh copy of the page, so the bar and
// each picture's outcome follow the worker without a reload. Without this script the page has a Reload link.
(function () {
  "use strict";

  var POLL_MS = 1500;
  var section = document.getElementById("picture-upload");
  if (!section || section.getAttribute("data-finished") === "true") {
    return;
  }
  var url = section.getAttribute("data-progress-url");
  var last = "";

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    ["picture-upload", "pictures-caption"].forEach(function (id) {
      var mine = document.getElementById(id);
      var theirs = fresh.getElementById(id);
      if (mine && theirs) {
        var target = id === "picture-upload" ? mine : mine.closest(".table-wrap");
        var source = id === "picture-upload" ? theirs : theirs.closest(".table-wrap");
        target.replaceWith(source);
      }
    });
    var hint = document.querySelector("[data-reload-hint]");
    if (hint) {
      hint.hidden = true;
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (progress) {
        var state = [progress.status, progress.sent, progress.unknown, progress.failed].join(" ");
        var next = progress.finished ? null : function () { window.setTimeout(poll, POLL_MS); };
        if (state === last) {
          if (next) { next(); }
          return;
        }
        last = state;
        fetch(window.location.href, { credentials: "same-origin" })
          .then(function (response) { return response.text(); })
          .then(swap)
          .finally(function () { if (next) { next(); } });
      })
      .catch(function () { window.setTimeout(poll, POLL_MS * 4); });
  }

  var hint = section.querySelector("[data-reload-hint]");
  if (hint) {
    hint.hidden = true;
  }
  window.setTimeout(poll, POLL_MS);
})();
