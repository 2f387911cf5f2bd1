// The one rich-text editor (romsie.core.forms.RichTextWidget): a toolbar over an editable region
// that keeps the form's text area (the real field, hidden) in sync. Without this script the text
// area works alone. Labels come from the widget (data-rich-text-editor, JSON, translated); the
// server cleans whatever is sent with core.richtext.clean_rich_text. Nothing inline (strict CSP).
(function () {
  "use strict";

  // What the editor keeps: the server's subset. b/i become strong/em; h1 becomes h2 (a text sits
  // under its page's h1), h5/h6 become h4.
  var RENAME = { B: "strong", I: "em", H1: "h2", H5: "h4", H6: "h4", DIV: "p" };
  var KEEP = ["P", "BR", "STRONG", "EM", "U", "UL", "OL", "LI", "A", "BLOCKQUOTE", "H2", "H3", "H4"];
  var DROP = ["SCRIPT", "STYLE", "TEMPLATE", "HEAD", "TITLE", "META", "LINK", "IFRAME", "OBJECT", "SVG", "MATH"];

  // Copy the children of `from` into `into`, keeping only the allowed tags (unsafe ones unwrapped).
  function cleanInto(from, into) {
    Array.prototype.forEach.call(from.childNodes, function (node) {
      if (node.nodeType === 3) { into.appendChild(document.createTextNode(node.nodeValue)); return; }
      if (node.nodeType !== 1 || DROP.indexOf(node.nodeName) !== -1) { return; }
      var name = RENAME[node.nodeName] || node.nodeName.toLowerCase();
      if (KEEP.indexOf(name.toUpperCase()) === -1) { cleanInto(node, into); return; }
      var copy = document.createElement(name);
      if (name === "a") {
        var href = node.getAttribute("href") || "";
        if (!/^(https?:|mailto:)/i.test(href)) { cleanInto(node, into); return; }
        copy.setAttribute("href", href);
      }
      cleanInto(node, copy);
      into.appendChild(copy);
    });
    return into;
  }

  // Parse HTML in an inert document (nothing runs, nothing loads) and return it cleaned. Style
  // blocks and attributes and event handlers go first: the page's policy would report them.
  function cleanHtml(html) {
    html = html
      .replace(/<(style|script)\b[\s\S]*?<\/\1\s*>/gi, "")
      .replace(/\s(?:style|on[a-z]+)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/gi, "");
    var parsed = new DOMParser().parseFromString(html, "text/html");
    return cleanInto(parsed.body, document.createElement("div"));
  }

  function textToHtml(text) {
    var box = document.createElement("div");
    text.replace(/\r\n/g, "\n").split(/\n\s*\n/).forEach(function (block) {
      if (!block.trim()) { return; }
      var p = document.createElement("p");
      block.split("\n").forEach(function (line, index) {
        if (index) { p.appendChild(document.createElement("br")); }
        p.appendChild(document.createTextNode(line));
      });
      box.appendChild(p);
    });
    return box;
  }

  function enhance(wrapper) {
    var area = wrapper.querySelector("textarea");
    var labels = JSON.parse(wrapper.getAttribute("data-rich-text-editor"));
    var editor = document.createElement("div");
    editor.className = "rich-text-area";
    editor.id = area.id + "_editor";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    var label = area.id && document.querySelector("label[for='" + area.id + "']");
    if (label) {
      if (!label.id) { label.id = area.id + "_label"; }
      editor.setAttribute("aria-labelledby", label.id);
      // The label now names the editable region: a click on it goes there.
      label.addEventListener("click", function (event) { event.preventDefault(); editor.focus(); });
    } else {
      editor.setAttribute("aria-label", labels.editor);
    }
    ["aria-describedby", "aria-invalid", "aria-required"].forEach(function (name) {
      if (area.hasAttribute(name)) { editor.setAttribute(name, area.getAttribute(name)); }
    });

    var value = area.value;
    var start = /<[a-zA-Z\/!]/.test(value) ? cleanHtml(value) : textToHtml(value);
    while (start.firstChild) { editor.appendChild(start.firstChild); }

    function sync() {
      var copy = cleanInto(editor, document.createElement("div"));
      area.value = copy.textContent.trim() || copy.querySelector("li") ? copy.innerHTML : "";
    }

    function run(command, argument) {
      editor.focus();
      document.execCommand(command, false, argument);
      sync();
      refresh();
    }

    function block(tag) {
      var current = (document.queryCommandValue("formatBlock") || "").toLowerCase();
      run("formatBlock", current === tag ? "p" : tag);
    }

    function link() {
      var address = window.prompt(labels.address, "https://");
      if (!address || !/^(https?:|mailto:)/i.test(address.trim())) { editor.focus(); return; }
      run("createLink", address.trim());
    }

    var buttons = [
      { name: "bold", label: labels.bold, key: "b", state: "bold", action: function () { run("bold"); } },
      { name: "italic", label: labels.italic, key: "i", state: "italic", action: function () { run("italic"); } },
      { name: "heading", label: labels.heading, block: "h2", action: function () { block("h2"); } },
      { name: "bullet-list", label: labels.bulletList, state: "insertUnorderedList", action: function () { run("insertUnorderedList"); } },
      { name: "numbered-list", label: labels.numberedList, state: "insertOrderedList", action: function () { run("insertOrderedList"); } },
      { name: "link", label: labels.link, key: "k", action: link },
      { name: "quote", label: labels.quote, block: "blockquote", action: function () { block("blockquote"); } }
    ];

    var bar = document.createElement("div");
    bar.className = "rich-text-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", labels.toolbar);
    bar.setAttribute("aria-controls", editor.id);
    buttons.forEach(function (item, index) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "secondary";
      b.textContent = item.label;
      b.setAttribute("data-command", item.name);
      b.tabIndex = index === 0 ? 0 : -1;
      if (item.state || item.block) { b.setAttribute("aria-pressed", "false"); }
      if (item.key) { b.setAttribute("aria-keyshortcuts", "Control+" + item.key.toUpperCase() + " Meta+" + item.key.toUpperCase()); }
      // Keep the selection in the editable region when the button is pressed with a mouse.
      b.addEventListener("mousedown", function (event) { event.preventDefault(); });
      b.addEventListener("click", item.action);
      item.element = b;
      bar.appendChild(b);
    });

    // One tab stop for the toolbar; the arrow keys move between its buttons.
    bar.addEventListener("keydown", function (event) {
      var all = buttons.map(function (item) { return item.element; });
      var at = all.indexOf(document.activeElement);
      var next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: all.length - 1 }[event.key];
      if (at === -1 || next === undefined) { return; }
      event.preventDefault();
      next = (next + all.length) % all.length;
      all.forEach(function (b, i) { b.tabIndex = i === next ? 0 : -1; });
      all[next].focus();
    });

    function refresh() {
      if (!editor.contains(document.getSelection().anchorNode)) { return; }
      var current = (document.queryCommandValue("formatBlock") || "").toLowerCase();
      buttons.forEach(function (item) {
        if (item.state) { item.element.setAttribute("aria-pressed", String(document.queryCommandState(item.state))); }
        if (item.block) { item.element.setAttribute("aria-pressed", String(current === item.block)); }
      });
    }

    editor.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) { return; }
      var key = event.key.toLowerCase();
      buttons.forEach(function (item) {
        if (item.key === key) { event.preventDefault(); item.action(); }
      });
    });

    // Paste from a word processor or a web page: only the allowed subset goes in.
    editor.addEventListener("paste", function (event) {
      var data = event.clipboardData;
      if (!data) { return; }
      event.preventDefault();
      var html = data.getData("text/html");
      var clean = html ? cleanHtml(html) : textToHtml(data.getData("text/plain"));
      document.execCommand("insertHTML", false, clean.innerHTML);
      sync();
    });

    editor.addEventListener("input", sync);
    document.addEventListener("selectionchange", refresh);
    if (area.form) { area.form.addEventListener("submit", sync); }

    try { document.execCommand("defaultParagraphSeparator", false, "p"); } catch (e) { /* older browsers */ }
    area.hidden = true;
    wrapper.classList.add("is-enhanced");
    area.parentNode.insertBefore(bar, area);
    area.parentNode.insertBefore(editor, area);
  }

  document.querySelectorAll("[data-rich-text-editor]").forEach(enhance);
})();
