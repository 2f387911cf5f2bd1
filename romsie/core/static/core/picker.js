// The one picker (romsie.core.forms.PickerField): a filter box narrows the groups as one types
// and finds people by name; chosen items show as removable chips; a live region says the counts.
// Without this script the same form works: checkboxes by section and a Search button.
(function () {
  "use strict";
  if (window.romsiePicker) { return; }
  window.romsiePicker = true;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function fill(template, key, value) { return template.replace("%(" + key + ")s", value); }

  function setUp(picker) {
    var base = picker.id;
    var search = document.getElementById(base + "-q");
    var chips = document.getElementById(base + "-chips");
    var status = document.getElementById(base + "-status");
    var chosen = document.getElementById(base + "-chosen");
    var results = document.getElementById(base + "-results");
    var url = picker.getAttribute("data-search-url");
    var button = picker.querySelector(".picker-search-button");
    var timer = null;
    var asked = 0;
    if (button) { button.remove(); }  // Enter in another field must not search
    chips.hidden = false;

    function labelOf(box) {
      var label = picker.querySelector("label[for='" + box.id + "']");
      return label ? label.textContent.trim() : box.value;
    }
    function boxes() { return picker.querySelectorAll("input[type=checkbox]"); }

    function renderChips() {
      chips.textContent = "";
      var count = 0;
      boxes().forEach(function (box) {
        if (!box.checked) { return; }
        count += 1;
        var name = labelOf(box);
        var item = document.createElement("li");
        var text = document.createElement("span");
        text.textContent = name;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "picker-chip-remove";
        remove.textContent = "\u00d7";
        remove.setAttribute("aria-label", fill(picker.getAttribute("data-text-remove"), "name", name));
        remove.addEventListener("click", function () {
          box.checked = false;
          box.dispatchEvent(new Event("change", { bubbles: true }));
          search.focus();
        });
        item.appendChild(text);
        item.appendChild(document.createTextNode(" "));
        item.appendChild(remove);
        chips.appendChild(item);
      });
      chips.hidden = count === 0;
      return count;
    }

    function filter() {
      var phrase = fold(search.value).replace(/\s+/g, " ").trim();
      var shown = 0;
      picker.querySelectorAll(".picker-groups").forEach(function (section) {
        var visible = 0;
        section.querySelectorAll("li").forEach(function (item) {
          var box = item.querySelector("input");
          var text = fold(section.querySelector("legend").textContent + " " + item.textContent).replace(/\s+/g, " ");
          var match = box.checked || text.indexOf(phrase) !== -1;
          item.hidden = !match;
          if (match) { visible += 1; }
        });
        section.hidden = visible === 0;
        shown += visible;
      });
      return shown;
    }

    function announce() {
      var count = renderChips();
      var shown = filter();
      status.textContent = fill(picker.getAttribute("data-text-chosen"), "count", count) + ". " +
        fill(picker.getAttribute("data-text-shown"), "count", shown) + ".";
    }

    function findPeople() {
      if (!url || !results) { return; }
      var query = search.value.trim();
      var ask = ++asked;
      if (!query) { results.textContent = ""; return; }
      fetch(url + "?q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          if (ask !== asked) { return; }
          results.innerHTML = html;
          results.querySelectorAll("input[type=checkbox]").forEach(function (box) {
            if (picker.querySelector(".picker-people input[value='" + box.value + "']")) { box.closest("li").remove(); }
          });
        });
    }

    picker.addEventListener("change", function (event) {
      var box = event.target;
      if (box.matches && box.matches("input[type=checkbox]") && box.checked && results && results.contains(box)) {
        var item = box.closest("li");
        box.id = base + "-" + box.value.replace(/[^a-z0-9]+/gi, "");
        item.querySelector("label").setAttribute("for", box.id);
        chosen.appendChild(item);
        chosen.closest("fieldset").hidden = false;
      }
      announce();
    });
    search.addEventListener("input", function () {
      announce();
      window.clearTimeout(timer);
      timer = window.setTimeout(findPeople, 250);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        window.clearTimeout(timer);
        findPeople();
      }
    });
    renderChips();
    filter();
  }

  function ready() { document.querySelectorAll("[data-picker]").forEach(setUp); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
