/* The marks grid: each cell saves on change, arrow keys and Enter move between cells, a column
   pasted from a spreadsheet fills the cells below. Report-card comments: a character counter.
   Progressive enhancement: without this script the grid is one form with a Save button. */
(function () {
  "use strict";

  var COLUMNS = ["mark", "status", "comment"];

  function field(row, name) {
    return row.querySelector('[name="' + name + "-" + row.dataset.student + '"]');
  }

  function initial(row, name) {
    return row.querySelector('[name="initial-' + name + "-" + row.dataset.student + '"]');
  }

  function setupGrid(form) {
    var url = form.dataset.cellUrl;
    var token = form.querySelector('[name="csrfmiddlewaretoken"]').value;
    var rows = Array.prototype.slice.call(form.querySelectorAll("tr.grid-row"));
    var queue = Promise.resolve();

    function showError(row, text) {
      var box = row.querySelector(".grid-error");
      var mark = field(row, "mark");
      box.textContent = text || "";
      box.hidden = !text;
      row.classList.toggle("field-invalid", !!text);
      COLUMNS.forEach(function (name) {
        var input = field(row, name);
        if (text) {
          input.setAttribute("aria-describedby", box.id);
        } else {
          input.removeAttribute("aria-describedby");
        }
      });
      if (text) {
        mark.setAttribute("aria-invalid", "true");
      } else {
        mark.removeAttribute("aria-invalid");
      }
    }

    function setState(row, text) {
      row.querySelector(".grid-saving").textContent = text;
    }

    function keepSaved(row, data) {
      // What is saved now: the grid's shown values and version follow it.
      var version = field(row, "version");
      version.value = data.version === null ? "" : String(data.version);
      ["mark", "status", "comment"].forEach(function (name) {
        var hidden = initial(row, name);
        if (hidden) hidden.value = data[name];
      });
    }

    function showFigures(figures) {
      var box = document.getElementById("grid-figures");
      if (!box) return;
      ["minimum", "maximum", "mean", "count"].forEach(function (key) {
        var cell = box.querySelector('[data-figure="' + key + '"]');
        if (cell) cell.textContent = figures ? String(figures[key]) : key === "count" ? "0" : "—";
      });
    }

    function unchanged(row) {
      // Nothing to send when the row shows what is saved (the hidden "initial" values follow it).
      return COLUMNS.every(function (name) {
        var hidden = initial(row, name);
        return hidden && hidden.value === field(row, name).value;
      });
    }

    function send(row) {
      if (unchanged(row) && !row.classList.contains("grid-dirty")) {
        return Promise.resolve();
      }
      var pk = row.dataset.student;
      var body = new FormData();
      body.append("csrfmiddlewaretoken", token);
      body.append("student", pk);
      // Read at sending time: an earlier save of the row has given it its new version.
      COLUMNS.concat(["version"]).forEach(function (name) {
        body.append(name + "-" + pk, field(row, name).value);
      });
      row.classList.remove("grid-dirty");
      setState(row, form.dataset.saving);
      return fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest", Accept: "application/json" },
      })
        .then(function (response) {
          return response.json();
        })
        .then(function (data) {
          if (data.ok) {
            field(row, "mark").value = data.mark;
            field(row, "status").value = data.status;
            field(row, "comment").value = data.comment;
            keepSaved(row, data);
            showError(row, "");
            setState(row, form.dataset.saved);
          } else {
            if (data.conflict) keepSaved(row, data);
            row.classList.add("grid-dirty");
            var messages = Object.keys(data.errors || {}).map(function (key) {
              return data.errors[key];
            });
            showError(row, messages.join(" "));
            setState(row, "");
          }
          if (data.figures !== undefined) showFigures(data.figures);
        })
        .catch(function () {
          row.classList.add("grid-dirty");
          showError(row, form.dataset.failed);
          setState(row, "");
        });
    }

    function save(row) {
      // One save at a time, in order: a row saved twice sends its second change with the new version.
      queue = queue.then(function () {
        return send(row);
      });
      return queue;
    }

    function cellAt(rowIndex, column) {
      var row = rows[rowIndex];
      return row ? field(row, COLUMNS[column]) : null;
    }

    function position(input) {
      var row = input.closest("tr.grid-row");
      var name = input.name.split("-")[0];
      return { row: rows.indexOf(row), column: COLUMNS.indexOf(name) };
    }

    function move(input, rowStep, columnStep) {
      var at = position(input);
      var target = cellAt(at.row + rowStep, at.column + columnStep);
      if (target) {
        target.focus();
        if (target.select && target.tagName === "INPUT") target.select();
        return true;
      }
      return false;
    }

    rows.forEach(function (row) {
      COLUMNS.forEach(function (name) {
        var input = field(row, name);
        if (!input) return;
        input.addEventListener("change", function () {
          // A mark and a status exclude each other: choosing one clears the other.
          if (name === "mark" && input.value.trim() !== "") field(row, "status").value = "";
          if (name === "status" && input.value !== "") field(row, "mark").value = "";
          save(row);
        });
        input.addEventListener("keydown", function (event) {
          if (event.altKey || event.ctrlKey || event.metaKey) return;
          var isText = input.tagName === "INPUT";
          var atStart = isText && input.selectionStart === 0 && input.selectionEnd === 0;
          var atEnd = isText && input.selectionStart === input.value.length && input.selectionEnd === input.value.length;
          var whole = isText && input.selectionStart === 0 && input.selectionEnd === input.value.length;
          if (event.key === "Enter") {
            // Enter saves the row (no form submission) and moves down.
            event.preventDefault();
            if (name === "mark" && input.value.trim() !== "") field(row, "status").value = "";
            save(row);
            move(input, event.shiftKey ? -1 : 1, 0);
          } else if (isText && event.key === "ArrowDown") {
            if (move(input, 1, 0)) event.preventDefault();
          } else if (isText && event.key === "ArrowUp") {
            if (move(input, -1, 0)) event.preventDefault();
          } else if (event.key === "ArrowRight" && (!isText || atEnd || whole)) {
            if (move(input, 0, 1)) event.preventDefault();
          } else if (event.key === "ArrowLeft" && (!isText || atStart || whole)) {
            if (move(input, 0, -1)) event.preventDefault();
          }
        });
      });
      var mark = field(row, "mark");
      mark.addEventListener("paste", function (event) {
        var text = (event.clipboardData || window.clipboardData).getData("text");
        var lines = text.replace(/\r/g, "").split("\n");
        while (lines.length && lines[lines.length - 1].trim() === "") lines.pop();
        if (lines.length < 2) return;
        event.preventDefault();
        var start = rows.indexOf(row);
        lines.forEach(function (line, offset) {
          var target = rows[start + offset];
          if (!target) return;
          field(target, "mark").value = line.split("\t")[0].trim();
          field(target, "status").value = "";
          save(target);
        });
      });
    });
  }

  function setupCounters() {
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-counter]"), function (area) {
      var form = area.closest("form");
      var template = (form && form.dataset.counterText) || "%(n)s / %(max)s";
      var counter = document.getElementById(area.id + "_counter");
      var max = area.getAttribute("maxlength");
      if (!counter || !max) return;
      function update() {
        counter.textContent = template.replace("%(n)s", String(area.value.length)).replace("%(max)s", max);
      }
      area.setAttribute("aria-describedby", ((area.getAttribute("aria-describedby") || "") + " " + counter.id).trim());
      area.addEventListener("input", update);
      update();
    });
  }

  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function setupCompetencyFilter() {
    // The assessment form: a filter above the competencies' checkboxes (chosen ones stay shown).
    var form = document.querySelector("form.assessment-form");
    var list = form && document.getElementById("id_competencies");
    if (!list) return;
    var label = document.createElement("label");
    label.setAttribute("for", "competency-filter");
    label.textContent = form.dataset.filterLabel;
    var input = document.createElement("input");
    input.type = "search";
    input.id = "competency-filter";
    input.autocomplete = "off";
    var box = document.createElement("div");
    box.className = "competency-filter";
    box.appendChild(label);
    box.appendChild(input);
    list.parentNode.insertBefore(box, list);
    var items = Array.prototype.slice.call(list.children);
    input.addEventListener("input", function () {
      var words = plain(input.value.trim());
      items.forEach(function (item) {
        var checkbox = item.querySelector("input[type=checkbox]");
        var shown = !words || (checkbox && checkbox.checked) || plain(item.textContent).indexOf(words) !== -1;
        item.hidden = !shown;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("marks-grid");
    if (form) setupGrid(form);
    setupCounters();
    setupCompetencyFilter();
  });
})();
