// skillbook: filter a catalogue by text and by tag, in the page. No request is made, so it
// works offline and from a file. The controls are in the page already, hidden; this script
// shows them, and without it every entry simply stays listed.
(function () {
  "use strict";

  function setUp(catalogue) {
    if (catalogue.dataset.skillbookFilter === "on") return;
    var form = catalogue.querySelector(".skillbook-filter");
    if (!form) return;
    catalogue.dataset.skillbookFilter = "on";
    var entries = Array.prototype.slice.call(catalogue.querySelectorAll("[data-skillbook-entry]"));
    var text = form.querySelector("input");
    var tag = form.querySelector("select");
    var count = form.querySelector("output");
    var words = entries.map(function (entry) {
      return entry.textContent.toLowerCase();
    });
    var tags = entries.map(function (entry) {
      return JSON.parse(entry.getAttribute("data-tags") || "[]");
    });

    function apply() {
      var wanted = text.value.toLowerCase().split(/\s+/).filter(Boolean);
      var chosen = tag ? tag.value : "";
      var shown = 0;
      entries.forEach(function (entry, i) {
        var keep =
          wanted.every(function (w) { return words[i].indexOf(w) >= 0; }) &&
          (!chosen || tags[i].indexOf(chosen) >= 0);
        entry.hidden = !keep;
        if (keep) shown += 1;
      });
      count.textContent = shown === entries.length
        ? entries.length + " shown"
        : shown + " of " + entries.length + " shown";
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); });
    text.addEventListener("input", apply);
    if (tag) tag.addEventListener("change", apply);
    form.hidden = false;
    apply();
  }

  function all() {
    Array.prototype.forEach.call(document.querySelectorAll(".skillbook-catalogue"), setUp);
  }

  // Material's instant navigation swaps pages without a load event: it announces each one
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(all);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", all);
  } else {
    all();
  }
})();
