// While a group's member list is loading in the background, asks every few seconds whether it is in,
// and reloads the page when it is. Without this script the notice has a Reload link instead.
(function () {
  "use strict";

  var POLL_MS = 2000;
  var notice = document.querySelector("[data-roster-loading]");
  if (!notice) {
    return;
  }
  var url = notice.getAttribute("data-roster-url");

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { loading: true }; })
      .then(function (state) {
        if (state.loading) {
          window.setTimeout(poll, POLL_MS);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, POLL_MS); });
  }

  window.setTimeout(poll, POLL_MS);
})();
