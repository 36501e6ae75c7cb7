// The invitee's form: keeps the overview before the save button in step with the choices as they change.
// Without this script the overview shows the choices as saved, and the button saves the form as ever.
// Every text comes from the page (its language); this file holds none.
(function () {
  "use strict";
  var summary = document.querySelector("[data-summary]");
  var form = summary && summary.closest("form");
  if (!form) { return; }

  // What one checked box or radio button reads as: the session's title, else its whole label.
  function textOf(input) {
    var label = input.labels && input.labels[0];
    if (!label) { return { text: input.value, lang: null }; }
    var title = label.querySelector(".choice-title") || label;
    return { text: title.textContent.replace(/\s+/g, " ").trim(), lang: title.getAttribute("lang") || label.getAttribute("lang") };
  }

  function fill(dd) {
    var names = dd.getAttribute("data-summary-for").split(" ");
    var found = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      if (names.indexOf(field.name) < 0) { return; }
      if (field.type === "radio" || field.type === "checkbox") {
        if (!field.checked) { return; }
        found.push(dd.hasAttribute("data-yes") ? { text: dd.getAttribute("data-yes"), lang: null } : textOf(field));
      } else if (field.value.trim()) {
        found.push({ text: field.value.trim(), lang: null });
      }
    });
    dd.textContent = found.length ? found.map(function (f) { return f.text; }).join(", ") : (dd.getAttribute("data-empty") || "");
    var lang = found.length && found.every(function (f) { return f.lang && f.lang === found[0].lang; }) ? found[0].lang : null;
    if (lang) { dd.setAttribute("lang", lang); } else { dd.removeAttribute("lang"); }
  }

  function update() {
    Array.prototype.forEach.call(summary.querySelectorAll("[data-summary-for]"), fill);
    var declined = form.querySelector("input[name=attending][value=no]");
    var notComing = Boolean(declined && declined.checked);
    Array.prototype.forEach.call(summary.querySelectorAll("[data-summary-coming]"), function (row) { row.hidden = notComing; });
    var note = summary.querySelector("[data-summary-declined]");
    if (note) { note.hidden = !notComing; }
  }

  var intro = summary.querySelector("[data-live-note]");
  if (intro) { intro.textContent = intro.getAttribute("data-live-note"); }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
}());
