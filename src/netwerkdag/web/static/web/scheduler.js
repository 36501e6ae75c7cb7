// The page before a scheduler run: ticking "keep these sessions together" sets every session of that
// round that may move to "stays in this round", unticking sets those back to "may move"; choosing "may
// move" for one of them unticks the box. Without this script the server reads the box the same way (a
// round kept together keeps each of its sessions in it), so the page works without it.
(function () {
  "use strict";
  var rounds = document.querySelectorAll("[data-round]");
  Array.prototype.forEach.call(rounds, function (round) {
    var box = round.querySelector("[data-together]");
    if (!box) { return; }
    box.addEventListener("change", function () {
      var from = box.checked ? "free" : "block";
      var to = box.checked ? "block" : "free";
      Array.prototype.forEach.call(round.querySelectorAll("input[type=radio][value=" + from + "]:checked"), function (radio) {
        var target = round.querySelector("input[type=radio][name='" + radio.name + "'][value=" + to + "]");
        if (target) { target.checked = true; }
      });
    });
    Array.prototype.forEach.call(round.querySelectorAll("input[type=radio][value=free]"), function (radio) {
      radio.addEventListener("change", function () { if (radio.checked) { box.checked = false; } });
    });
  });
}());
