// Hover or click an attribution span to see its speaker (with a link to the speaker page when
// the speaker is stored) and the matching entry of the side list. An external file: the
// Content-Security-Policy forbids inline script. Text is set with textContent, never as HTML.
"use strict";
(function () {
  function entryFor(id) {
    return document.getElementById("attr-" + id);
  }

  function show(span, pin) {
    var pop = document.getElementById("popover");
    if (!pop) return;
    var id = span.getAttribute("data-attribution");
    var entry = entryFor(id);
    pop.textContent = "";
    var who = document.createElement("div");
    var name = span.getAttribute("data-speaker-name");
    var link = entry ? entry.querySelector("a.speaker-link") : null;
    if (link) {
      var a = document.createElement("a");
      a.href = link.getAttribute("href");
      a.textContent = link.textContent;
      who.appendChild(a);
    } else {
      who.textContent = name || (entry ? entry.querySelector(".speaker").textContent : "unknown speaker");
    }
    pop.appendChild(who);
    var cue = document.querySelector('.sw-cue[data-attribution="' + CSS.escape(id) + '"]');
    if (cue) {
      var stance = document.createElement("div");
      stance.textContent = "stance: " + cue.getAttribute("data-stance");
      pop.appendChild(stance);
    }
    var rect = span.getBoundingClientRect();
    pop.style.left = Math.round(rect.left + window.scrollX) + "px";
    pop.style.top = Math.round(rect.bottom + window.scrollY + 4) + "px";
    pop.hidden = false;
    pop.setAttribute("data-attribution", id);
    pop.setAttribute("data-pinned", pin ? "1" : "");
    document.querySelectorAll("#attributions li.active, .sw.active").forEach(function (el) {
      el.classList.remove("active");
    });
    if (entry) entry.classList.add("active");
    document.querySelectorAll('.sw[data-attribution="' + CSS.escape(id) + '"]').forEach(function (el) {
      el.classList.add("active");
    });
  }

  function hide() {
    var pop = document.getElementById("popover");
    if (pop && !pop.getAttribute("data-pinned")) pop.hidden = true;
  }

  document.addEventListener("mouseover", function (event) {
    var span = event.target.closest ? event.target.closest("span.sw[data-attribution]") : null;
    if (span && !span.closest("#legend")) show(span, false);
  });
  document.addEventListener("mouseout", function (event) {
    var span = event.target.closest ? event.target.closest("span.sw[data-attribution]") : null;
    if (span) hide();
  });
  document.addEventListener("click", function (event) {
    var span = event.target.closest ? event.target.closest("span.sw[data-attribution]") : null;
    var pop = document.getElementById("popover");
    if (span) {
      show(span, true);
      var entry = entryFor(span.getAttribute("data-attribution"));
      if (entry && entry.scrollIntoView) entry.scrollIntoView({ block: "nearest" });
    } else if (pop && !pop.contains(event.target)) {
      pop.setAttribute("data-pinned", "");
      pop.hidden = true;
    }
  });
})();
