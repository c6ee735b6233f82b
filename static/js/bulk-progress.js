// Follows a bulk job: polls its progress and updates the bar, the counts and each member's row as
// outcomes arrive; reloads once when the job finishes, to show what can be done next. Without this
// script the page refreshes itself (a <noscript> refresh) and has a Reload link.
(function () {
  "use strict";

  var POLL_MS = 1500;
  var section = document.getElementById("bulk-job");
  if (!section || section.getAttribute("data-finished") === "true") {
    return;
  }
  var url = section.getAttribute("data-progress-url");
  var bar = document.getElementById("bulk-progress-bar");

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

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("progress answered " + response.status);
        }
        return response.json();
      })
      .then(function (progress) {
        show(progress);
        if (progress.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, POLL_MS);
        }
      })
      .catch(function () {
        window.setTimeout(poll, POLL_MS * 4); // the server may be restarting: keep trying, more slowly
      });
  }

  window.setTimeout(poll, POLL_MS);
})();
