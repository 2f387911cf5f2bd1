// Uploads of "My documents": one request per file with a progress bar, drag and drop.
// Without this script the form posts every chosen file at once and the page lists the results.
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload-form]");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var input = form.querySelector("input[type=file]");
  var list = form.querySelector("[data-upload-list]");
  var zone = form.closest("section") || form;
  var labels = form.dataset;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function line(file) {
    var item = document.createElement("li");
    var name = document.createElement("span");
    name.textContent = file.name;
    var state = document.createElement("span");
    state.textContent = labels.labelSending;
    var bar = document.createElement("progress");
    bar.max = 100; bar.value = 0;
    bar.setAttribute("aria-label", file.name);
    item.append(name, state, bar);
    list.append(item);
    return { item: item, state: state, bar: bar };
  }

  function finish(row, ok, message) {
    row.bar.remove();
    row.state.textContent = ok ? labels.labelDone : labels.labelFailed;
    row.state.className = ok ? "upload-done" : "";
    if (!ok) {
      var why = document.createElement("span");
      why.className = "upload-failed";
      why.textContent = message;
      row.item.append(why);
    }
  }

  function send(file, row) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", csrf);
      data.append("uploads", file, file.name);
      var replace = form.querySelector("input[name=replace]");
      if (replace && replace.checked) { data.append("replace", "on"); }
      var request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) { row.bar.value = Math.round(100 * event.loaded / event.total); }
      });
      request.addEventListener("load", function () {
        var ok = false, message = request.statusText;
        try {
          var answer = JSON.parse(request.responseText);
          var result = (answer.results || [])[0];
          if (result) { ok = result.ok; message = result.message; }
          else if (answer.errors) { message = answer.errors.join(" "); }
        } catch (error) { /* not JSON: keep the status text */ }
        finish(row, ok, message);
        resolve(ok);
      });
      request.addEventListener("error", function () { finish(row, false, request.statusText || "—"); resolve(false); });
      request.send(data);
    });
  }

  function upload(files) {
    if (!files.length) { return; }
    list.replaceChildren();
    var rows = Array.prototype.map.call(files, function (file) { return [file, line(file)]; });
    // One after the other: the quota is checked file by file, in the order chosen.
    rows.reduce(function (previous, pair) {
      return previous.then(function (results) {
        return send(pair[0], pair[1]).then(function (ok) { return results.concat([ok]); });
      });
    }, Promise.resolve([])).then(function (results) {
      input.value = "";
      if (results.every(Boolean)) { window.location.reload(); }
    });
  }

  form.addEventListener("submit", function (event) {
    if (!input.files.length) { return; }
    event.preventDefault();
    upload(input.files);
  });

  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (event) {
      if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") !== -1) {
        event.preventDefault();
        zone.classList.add("is-dragging");
      }
    });
  });
  ["dragleave", "drop"].forEach(function (type) {
    zone.addEventListener(type, function () { zone.classList.remove("is-dragging"); });
  });
  zone.addEventListener("drop", function (event) {
    if (event.dataTransfer && event.dataTransfer.files.length) {
      event.preventDefault();
      upload(event.dataTransfer.files);
    }
  });
})();
