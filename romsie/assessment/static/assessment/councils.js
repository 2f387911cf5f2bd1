/* The report cards' progress bar: reads the generation's state every second, then shows the files. */
(function () {
  "use strict";
  var box = document.getElementById("ass-progress");
  if (!box || box.getAttribute("data-finished") === "1") {
    return;
  }
  var bar = document.getElementById("ass-progress-bar");
  var label = document.getElementById("ass-progress-label");
  var count = document.getElementById("ass-progress-count");
  var percent = document.getElementById("ass-progress-percent");
  var url = box.getAttribute("data-poll");
  var failures = 0;

  function show(state) {
    bar.value = state.percent;
    bar.textContent = state.percent + " %";
    label.textContent = state.label;
    count.textContent = state.done + " / " + state.total;
    percent.textContent = state.percent;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        show(state);
        if (state.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        failures += 1;
        if (failures < 10) {
          window.setTimeout(poll, 2000);
        }
      });
  }

  window.setTimeout(poll, 500);
})();
