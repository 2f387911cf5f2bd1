// A small toolbar above rich-text areas (textarea[data-rich-text]): bold, italic, list, link.
// It only inserts the few tags the server keeps; the server sanitises whatever is sent.
(function () {
  "use strict";

  function wrap(area, before, after) {
    var start = area.selectionStart, end = area.selectionEnd;
    var chosen = area.value.slice(start, end);
    area.setRangeText(before + chosen + after, start, end, "select");
    area.focus();
  }

  function list(area) {
    var start = area.selectionStart, end = area.selectionEnd;
    var lines = area.value.slice(start, end).split("\n").filter(function (l) { return l.trim() !== ""; });
    if (!lines.length) { lines = [""]; }
    var items = lines.map(function (l) { return "<li>" + l.trim() + "</li>"; }).join("");
    area.setRangeText("<ul>" + items + "</ul>", start, end, "select");
    area.focus();
  }

  function link(area, question) {
    var address = window.prompt(question, "https://");
    if (!address || !/^(https?:|mailto:)/i.test(address)) { area.focus(); return; }
    wrap(area, '<a href="' + address.replace(/"/g, "%22") + '">', "</a>");
  }

  function button(label, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "secondary";
    b.textContent = label;
    b.addEventListener("click", action);
    return b;
  }

  document.querySelectorAll("textarea[data-rich-text]").forEach(function (area) {
    var labels = JSON.parse(area.getAttribute("data-rich-text"));
    var bar = document.createElement("div");
    bar.className = "rich-text-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", labels.toolbar);
    bar.setAttribute("aria-controls", area.id);
    bar.appendChild(button(labels.bold, function () { wrap(area, "<strong>", "</strong>"); }));
    bar.appendChild(button(labels.italic, function () { wrap(area, "<em>", "</em>"); }));
    bar.appendChild(button(labels.list, function () { list(area); }));
    bar.appendChild(button(labels.link, function () { link(area, labels.address); }));
    area.parentNode.insertBefore(bar, area);
  });
})();
