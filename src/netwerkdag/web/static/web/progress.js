// Follows a scheduler run: asks its progress every second, shows it, and reloads the page when the run
// has ended (the page then shows the plan and the buttons to accept or reject it).
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  var bar = box.querySelector("progress");
  var text = box.querySelector("output");
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (run) {
        if (run.status !== "queued" && run.status !== "running") { window.location.reload(); return; }
        var p = run.progress || {};
        var seconds = p.seconds || run.elapsed || 0;
        bar.max = run.time_limit;
        bar.value = Math.min(seconds, run.time_limit);
        if (p.objective !== undefined) {
          text.textContent = box.getAttribute("data-label")
            .replace("{objective}", Math.round(p.objective))
            .replace("{bound}", Math.round(p.bound))
            .replace("{seconds}", Math.round(seconds))
            .replace("{limit}", Math.round(run.time_limit));
        }
        window.setTimeout(tick, 1000);
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 500);
}());
