// Recipient picker: a person ticked in the search results joins the chosen list, so a new
// search does not lose them; Enter in the search box searches instead of sending.
(function () {
  "use strict";
  function ready() {
    var chosen = document.getElementById("recipient-chosen");
    var results = document.getElementById("recipient-results");
    var search = document.getElementById("recipient-q");
    if (!chosen || !results) { return; }
    results.addEventListener("change", function (event) {
      var box = event.target;
      if (!box.matches || !box.matches("input[type=checkbox]") || !box.checked) { return; }
      if (chosen.querySelector("input[value='" + box.value + "']")) { box.closest("li").remove(); return; }
      var item = box.closest("li");
      box.id = "chosen-" + box.value.replace(":", "-");
      item.querySelector("label").setAttribute("for", box.id);
      chosen.appendChild(item);
    });
    if (search) {
      search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
          search.dispatchEvent(new Event("search"));
        }
      });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
