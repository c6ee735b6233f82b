// Follows a bulk job: polls its progress and updates the bar, the counts and each member's row as
// outcomes arrive. When the job finishes, the parts of the page marked data-swap-when-finished (what
// can be done next, when it finished) are fetched again and put in place, so the page never reloads
// and the reader keeps their place. Without this script the page has a Reload link instead.
(function () {
  "use strict";

  var POLL_MS = 1500;
  var section = document.getElementById("bulk-job");
  if (!section || section.getAttribute("data-finished") === "true") {
    return;
  }
  var url = section.getAttribute("data-progress-url");
  var bar = document.getElementById("bulk-progress-bar");
  var reloadHint = section.querySelector("[data-reload-hint]");

  function setCount(name, value) {
    var element = section.querySelector('[data-count="' + name + '"]');
    if (element) {
      element.textContent = String(value);
    }
  }

  function updateRow(member) {
    var row = document.querySelector('tr[data-member="' + member.user_id + '"]');
    if (!row) {
      return;
    }
    var status = document.createElement("span");
    status.className = "status status--" + member.outcome;
    status.textContent = member.label;
    row.querySelector('[data-cell="outcome"]').replaceChildren(status);

    var album = row.querySelector('[data-cell="album"]');
    if (member.url) {
      var link = document.createElement("a");
      link.href = member.url;
      link.textContent = member.album_id === null ? "record" : String(member.album_id);
      album.replaceChildren(link);
    }
    row.querySelector('[data-cell="message"]').textContent = member.message;
  }

  function show(progress) {
    bar.max = progress.total;
    bar.value = progress.done;
    bar.textContent = progress.done + " of " + progress.total;
    setCount("state", progress.status_label);
    setCount("done", progress.done);
    ["created", "failed", "unknown"].forEach(function (name) { setCount(name, progress.counts[name]); });
    progress.members.forEach(updateRow);
  }

  function fetchOk(address, accept) {
    return fetch(address, { headers: { Accept: accept }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(address + " answered " + response.status);
        }
        return response;
      });
  }

  function showFinished() {
    fetchOk(window.location.href, "text/html")
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var finished = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-swap-when-finished]").forEach(function (element) {
          var replacement = finished.getElementById(element.id);
          if (replacement) {
            element.replaceWith(document.importNode(replacement, true));
          }
        });
      })
      .catch(function () {
        window.location.reload(); // the outcomes are shown already; a reload brings the rest
      });
  }

  function poll() {
    fetchOk(url, "application/json")
      .then(function (response) { return response.json(); })
      .then(function (progress) {
        show(progress);
        if (progress.finished) {
          showFinished();
        } else {
          window.setTimeout(poll, POLL_MS);
        }
      })
      .catch(function () {
        if (reloadHint) {
          reloadHint.hidden = false;
        }
        window.setTimeout(poll, POLL_MS * 4); // the server may be restarting: keep trying, more slowly
      });
  }

  if (reloadHint) {
    reloadHint.hidden = true; // the outcomes arrive by themselves
  }
  window.setTimeout(poll, POLL_MS);
})();
