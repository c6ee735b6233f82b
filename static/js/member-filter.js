// Narrows a member list as you type in a search box that names it with data-filter-list. Without
// this script the same box searches on the server when its form is sent.
(function () {
  "use strict";

  function matches(element, words) {
    if (element.tagName === "OPTION" && element.value === "") {
      return true; // the "Choose a member" prompt
    }
    var text = element.textContent.toLowerCase();
    return words.every(function (word) { return text.indexOf(word) !== -1; });
  }

  function filter(input, list) {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    Array.prototype.forEach.call(list.children, function (element) {
      element.hidden = !matches(element, words);
    });
  }

  document.querySelectorAll("[data-filter-list]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("data-filter-list"));
    if (!list) {
      return;
    }
    input.addEventListener("input", function () { filter(input, list); });
  });
})();
