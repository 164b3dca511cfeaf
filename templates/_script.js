(function () {
  "use strict";
  // Progressive enhancement only: without this script every incident is listed.
  var bar = document.getElementById("filters");
  if (!bar) {
    return;
  }
  var buttons = Array.prototype.slice.call(bar.querySelectorAll("button[data-filter]"));
  var incidents = Array.prototype.slice.call(document.querySelectorAll("article.incident"));
  var status = document.getElementById("filter-status");

  function apply(button) {
    var wanted = button.getAttribute("data-filter").split(" ").filter(Boolean);
    var shown = 0;
    buttons.forEach(function (other) {
      other.setAttribute("aria-pressed", other === button ? "true" : "false");
    });
    incidents.forEach(function (incident) {
      var match = wanted.length === 0 || wanted.some(function (relation) {
        return incident.querySelector(".finding.rel-" + relation) !== null;
      });
      incident.hidden = !match;
      if (match) {
        shown += 1;
      }
    });
    if (status) {
      status.textContent = shown + " of " + incidents.length + " incidents shown";
    }
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      apply(button);
    });
  });
  bar.hidden = false;
})();
