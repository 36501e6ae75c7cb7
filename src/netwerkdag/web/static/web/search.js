// Search as you type on the organisers' lists of people (the invitees, check-in). A short pause after
// the last key (or at once when a filter changes), the same page is asked for with the form's values and
// partial=1, and the list it answers replaces the one shown; the address bar follows, so that reloading
// or going back shows the same list. Without this script the form's button does all of it with a whole
// page, so nothing here is needed to use the pages.
(function () {
  "use strict";
  var PAUSE_MS = 300;
  if (!window.fetch || !window.URLSearchParams || !window.FormData) { return; }

  function valuesOf(form) {
    var values = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (typeof value === "string" && value.trim() !== "") { values.append(key, value.trim()); }
    });
    return values;
  }

  function follow(form) {
    var results = document.getElementById(form.getAttribute("data-live-search"));
    if (!results) { return; }
    var field = form.querySelector("input[type=search]");
    var status = document.querySelector("[data-search-status]");
    var hidden = document.querySelectorAll("[data-hide-while-searching]");
    var timer = null;
    var asked = 0;
    var shown = valuesOf(form).toString();

    function hideWhileSearching() {
      var searching = field !== null && field.value.trim() !== "";
      hidden.forEach(function (element) { element.hidden = searching; });
    }

    function update() {
      var values = valuesOf(form);
      var query = values.toString();
      if (query === shown) { return; }
      var ask = ++asked;
      var partial = new URLSearchParams(values);
      partial.set("partial", "1");
      fetch(form.action + "?" + partial.toString(), {
        credentials: "same-origin",
        headers: { "Accept": "text/html" }
      })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.text();
        })
        .then(function (html) {
          if (ask !== asked) { return; }  // an older answer arriving after a newer one
          shown = query;
          results.innerHTML = html;
          window.history.replaceState(null, "", form.action + (query ? "?" + query : ""));
          hideWhileSearching();
          var count = results.querySelector("[data-found-count]");
          if (status && count) { status.textContent = count.textContent.replace(/\s+/g, " ").trim(); }
        })
        .catch(function () { /* the form's button still searches */ });
    }

    form.addEventListener("input", function (event) {
      if (event.target !== field) { return; }
      window.clearTimeout(timer);
      timer = window.setTimeout(update, PAUSE_MS);
    });
    form.addEventListener("change", function (event) {
      if (event.target.tagName !== "SELECT") { return; }
      window.clearTimeout(timer);
      update();
    });
  }

  document.querySelectorAll("form[data-live-search]").forEach(follow);
}());
