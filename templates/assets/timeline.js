// The compact timeline, enhanced: a link to an event (#event-...) opens its account, printing
// opens them all; and a filter link narrows the list in place instead of loading its static
// page (which, like every account, works without JavaScript).
(function () {
  "use strict";
  function openTarget() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    var details = target && target.querySelector("details");
    if (details) details.open = true;
  }
  openTarget();
  window.addEventListener("hashchange", openTarget);
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".compact details"), function (d) { d.open = true; });
  });
  var nav = document.querySelector(".filters[data-in-place]");
  if (!nav) return;
  var status = nav.querySelector(".filter-status");
  var events = Array.prototype.slice.call(document.querySelectorAll(".month .event"));
  var months = Array.prototype.slice.call(document.querySelectorAll("section.month"));
  var links = nav.querySelectorAll("a[href*='by-']");
  var active = null;
  var reset = document.createElement("button");
  reset.type = "button";
  reset.textContent = "Show all events";
  reset.addEventListener("click", function () { apply(null); });

  // "by-actor/hamas/index.html" -> ["actors", "hamas"]: the static page's address names the filter.
  function filterOf(link) {
    var match = /by-(actor|sticking-point)\/([a-z0-9-]+)\//.exec(link.getAttribute("href"));
    return [match[1] === "actor" ? "actors" : "points", match[2]];
  }

  function apply(link) {
    active = link;
    var shown = 0;
    events.forEach(function (event) {
      var values = link ? (event.getAttribute("data-" + filterOf(link)[0]) || "").split(" ") : [];
      event.hidden = Boolean(link) && values.indexOf(filterOf(link)[1]) < 0;
      if (!event.hidden) shown += 1;
    });
    months.forEach(function (month) {
      month.hidden = !month.querySelector(".event:not([hidden])");
    });
    Array.prototype.forEach.call(links, function (other) {
      if (other === link) other.setAttribute("aria-current", "true");
      else other.removeAttribute("aria-current");
    });
    status.textContent = link ? "Showing " + shown + " of " + events.length + " events: " + link.firstChild.textContent.trim() + ". " : "";
    if (link) status.appendChild(reset);
  }

  nav.addEventListener("click", function (click) {
    var link = click.target.closest("a[href*='by-']");
    if (!link) return;
    click.preventDefault();
    apply(link === active ? null : link);
  });
})();
