// Narrows a member list as you type in a search box that names it with data-filter-list, and says in
// the search form's status line how many of the listed members are left. Without this script the same
// box searches on the server when its form is sent.
(function () {
  "use strict";

  function isPrompt(element) {
    return element.tagName === "OPTION" && element.value === ""; // the "Choose a member" prompt
  }

  function matches(element, words) {
    var text = element.textContent.toLowerCase();
    return words.every(function (word) { return text.indexOf(word) !== -1; });
  }

  function describe(shown, total) {
    if (shown === 0) {
      return "No member listed here matches. Search looks through the whole member list, and looks a UserID up on AdultWork.";
    }
    return shown + " of " + total + " members listed here match.";
  }

  function filter(input, list, status) {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var members = Array.prototype.filter.call(list.children, function (element) { return !isPrompt(element); });
    var shown = 0;
    members.forEach(function (element) {
      element.hidden = !matches(element, words);
      shown += element.hidden ? 0 : 1;
    });
    if (status) {
      status.textContent = words.length ? describe(shown, members.length) : "";
    }
  }

  document.querySelectorAll("[data-filter-list]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("data-filter-list"));
    if (!list) {
      return;
    }
    var status = input.form && input.form.querySelector("[data-filter-status]");
    input.addEventListener("input", function () { filter(input, list, status); });
  });
})();
