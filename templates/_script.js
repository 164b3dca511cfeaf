(function () {
  "use strict";
  // Progressive enhancement only: without this script every incident is listed. No network, no
  // eval, no HTML strings: it only reads data-* attributes and toggles `hidden`.
  var bar = document.getElementById("filters");
  if (!bar) {
    return;
  }
  var slice = Array.prototype.slice;
  var incidents = slice.call(document.querySelectorAll("article.incident"));
  var tocItems = {};
  slice.call(document.querySelectorAll(".toc li[data-target]")).forEach(function (item) {
    tocItems[item.getAttribute("data-target")] = item;
  });
  var buttons = slice.call(bar.querySelectorAll("button[data-filter]"));
  var selects = slice.call(bar.querySelectorAll("select[data-key]"));
  var search = document.getElementById("filter-search");
  var reset = document.getElementById("filter-reset");
  var status = document.getElementById("filter-status");
  var relations = [];
  var haystacks = null;
  var timer = 0;

  // Search folds case, Arabic diacritics, tatweel, alef/yeh/teh marbuta forms and digits, so
  // "قاعده" finds "قاعدة" and "٥" finds "5".
  function fold(text) {
    return text
      .toLowerCase()
      .replace(/[\u064B-\u065F\u0670\u0640]/g, "")
      .replace(/[\u0622\u0623\u0625\u0671]/g, "\u0627")
      .replace(/\u0649/g, "\u064A")
      .replace(/\u0629/g, "\u0647")
      .replace(/[\u0660-\u0669]/g, function (d) {
        return String(d.charCodeAt(0) - 0x0660);
      })
      .replace(/[\u06F0-\u06F9]/g, function (d) {
        return String(d.charCodeAt(0) - 0x06f0);
      });
  }

  function tokens(element, key) {
    return " " + (element.getAttribute("data-" + key) || "") + " ";
  }

  function apply() {
    var wanted = selects
      .filter(function (select) {
        return select.value !== "";
      })
      .map(function (select) {
        return { key: select.getAttribute("data-key"), value: " " + select.value + " " };
      });
    var terms = search ? fold(search.value).split(/\s+/).filter(Boolean) : [];
    if (terms.length && haystacks === null) {
      // Built once, on the first search: reading textContent of every incident is the costly part.
      haystacks = incidents.map(function (incident) {
        return fold(incident.textContent.replace(/\s+/g, " "));
      });
    }
    var shown = 0;
    incidents.forEach(function (incident, n) {
      var relationSet = tokens(incident, "relations");
      var match =
        (relations.length === 0 ||
          relations.some(function (relation) {
            return relationSet.indexOf(" " + relation + " ") !== -1;
          })) &&
        wanted.every(function (filter) {
          return tokens(incident, filter.key).indexOf(filter.value) !== -1;
        }) &&
        terms.every(function (term) {
          return haystacks[n].indexOf(term) !== -1;
        });
      if (incident.hidden === match) {
        incident.hidden = !match;
        var item = tocItems[incident.id];
        if (item) {
          item.hidden = !match;
        }
      }
      if (match) {
        shown += 1;
      }
    });
    if (status) {
      status.textContent = shown + " of " + incidents.length + " incidents shown";
    }
  }

  function press(button) {
    relations = button.getAttribute("data-filter").split(" ").filter(Boolean);
    buttons.forEach(function (other) {
      other.setAttribute("aria-pressed", other === button ? "true" : "false");
    });
    apply();
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      press(button);
    });
  });
  selects.forEach(function (select) {
    select.addEventListener("change", apply);
  });
  if (search) {
    search.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(apply, 120);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        window.clearTimeout(timer);
        apply();
      } else if (event.key === "Escape" && search.value) {
        search.value = "";
        apply();
      }
    });
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName);
      if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        search.focus();
      }
    });
  }
  if (reset) {
    reset.addEventListener("click", function () {
      selects.forEach(function (select) {
        select.value = "";
      });
      if (search) {
        search.value = "";
      }
      press(buttons[0]);
    });
  }
  bar.hidden = false;
  apply();
})();
