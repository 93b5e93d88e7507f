"use strict";
(function () {
  var RANK = { info: 0, warning: 1, error: 2 };
  var meta = JSON.parse(document.getElementById("flag-meta").textContent);
  var body = document.body;
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-filter]"));

  function hidden(kind, value) {
    return body.classList.contains("hide-" + kind + "-" + value);
  }
  function visible(id) {
    var m = meta[id];
    return !!m && !hidden("sev", m[0]) && !hidden("cat", m[1]);
  }
  function refresh() {
    // Each highlight covers one or more flags: it stays highlighted, in the colour of the
    // most severe one, while at least one of them passes the filters.
    var marks = document.querySelectorAll("[data-f]");
    for (var i = 0; i < marks.length; i++) {
      var el = marks[i];
      if (el.classList.contains("note") || el.tagName === "TR") continue;
      var best = -1;
      var ids = el.getAttribute("data-f").split(" ");
      for (var j = 0; j < ids.length; j++) {
        if (visible(ids[j])) best = Math.max(best, RANK[meta[ids[j]][0]]);
      }
      el.classList.remove("sev-error", "sev-warning", "sev-info");
      if (best < 0) { el.classList.remove("on"); continue; }
      el.classList.add("on", "sev-" + ["info", "warning", "error"][best]);
    }
    var seen = {}, shown = 0, notes = document.querySelectorAll(".note[data-f], tr[data-f]");
    for (var k = 0; k < notes.length; k++) {
      var fid = notes[k].getAttribute("data-f");
      if (!seen[fid] && visible(fid) && notes[k].offsetParent !== null) { seen[fid] = true; shown++; }
    }
    var counter = document.getElementById("shown-flags");
    if (counter) counter.textContent = String(shown);
    var lists = document.querySelectorAll("ul.notes");
    for (var n = 0; n < lists.length; n++) {
      var any = false, items = lists[n].children;
      for (var q = 0; q < items.length; q++) if (visible(items[q].getAttribute("data-f"))) any = true;
      lists[n].style.display = any ? "" : "none";
    }
    var beads = document.querySelectorAll(".bead"), nb = 0;
    for (var b = 0; b < beads.length; b++) if (beads[b].offsetParent !== null) nb++;
    var bc = document.getElementById("shown-beads");
    if (bc) bc.textContent = String(nb);
  }
  // The active filters live in the URL fragment (#f=hide-sev-info,only-flagged), so a filtered
  // view can be bookmarked or shared; other fragments (#p-1 links) are left alone.
  function fromHash() {
    var m = /^#f=([\w,-]*)$/.exec(location.hash);
    return m ? m[1].split(",").filter(Boolean) : null;
  }
  function toHash() {
    var active = boxes.map(function (b) { return b.getAttribute("data-filter"); })
      .filter(function (c) { return body.classList.contains(c); });
    try { history.replaceState(null, "", active.length ? "#f=" + active.join(",") : location.pathname); }
    catch (e) { /* some browsers refuse history changes on file: pages */ }
  }
  function apply(box) {
    body.classList.toggle(box.getAttribute("data-filter"), box.checked === (box.getAttribute("data-when") === "checked"));
  }
  var wanted = fromHash();
  boxes.forEach(function (box) {
    if (wanted) {
      var on = wanted.indexOf(box.getAttribute("data-filter")) >= 0;
      box.checked = (box.getAttribute("data-when") === "checked") ? on : !on;
    }
    apply(box);
    box.addEventListener("change", function () { apply(box); refresh(); toHash(); });
  });
  // Hovering a note outlines the text it is about.
  document.addEventListener("mouseover", function (ev) {
    var note = ev.target.closest ? ev.target.closest(".note[data-f]") : null;
    var old = document.querySelectorAll(".hot");
    for (var i = 0; i < old.length; i++) old[i].classList.remove("hot");
    if (!note) return;
    var id = note.getAttribute("data-f");
    var bead = note.closest(".bead") || document;
    var marks = bead.querySelectorAll("[data-f]");
    for (var j = 0; j < marks.length; j++) {
      if (marks[j] !== note && (" " + marks[j].getAttribute("data-f") + " ").indexOf(" " + id + " ") >= 0) marks[j].classList.add("hot");
    }
  });
  body.classList.add("js");
  refresh();
})();
