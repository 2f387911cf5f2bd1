/* The page shell's small enhancements; every page works without them.
 *
 * - Marks the page as scripted (class "js" on <html>) before the first paint, so the phone
 *   menu starts folded behind its button (without a script it stays unfolded).
 * - The menu button opens and closes the menu (Escape closes it and gives the focus back).
 * - A select of the establishment/child switch acts as soon as a choice is made with the
 *   mouse, a finger or the phone's picker. A choice made with the arrow keys on the closed
 *   select waits for Enter or the "Switch" button, so that walking through the options does
 *   not reload the page at each step.
 * - Registers the service worker that keeps the person's week timetable readable offline,
 *   and empties its cache on the way out (sign-out).
 */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setUpMenu() {
    var button = document.querySelector(".menu-button");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) return;
    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  }

  var NAVIGATION_KEYS = ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"];

  function setUpSwitches() {
    document.querySelectorAll("form[data-submit-on-change]").forEach(function (form) {
      form.querySelectorAll("select").forEach(function (select) {
        var byKeyboard = false;
        var initial = select.value;
        select.addEventListener("keydown", function (event) {
          if (event.key === "Enter" && select.value !== initial) {
            event.preventDefault();
            form.requestSubmit();
            return;
          }
          if (NAVIGATION_KEYS.indexOf(event.key) !== -1 || event.key.length === 1) {
            byKeyboard = true;
            window.setTimeout(function () { byKeyboard = false; }, 0);
          }
        });
        select.addEventListener("change", function () {
          if (!byKeyboard && select.value !== initial) form.requestSubmit();
        });
      });
    });
  }

  function setUpOfflineWeek() {
    var worker = document.body.getAttribute("data-service-worker");
    if (!("serviceWorker" in navigator)) return;
    if (worker) {
      navigator.serviceWorker.register(worker, { scope: "/" }).catch(function () { /* offline reading is a bonus */ });
    }
    // Signing out: ask the worker to forget the cached pages now (the sign-out response's
    // Clear-Site-Data header does it too, where the browser supports it).
    document.querySelectorAll("form[data-clears-offline]").forEach(function (form) {
      form.addEventListener("submit", function () {
        if (navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage("clear");
        if (window.caches) {
          window.caches.keys().then(function (names) {
            names.forEach(function (name) { if (name.indexOf("romsie-") === 0) window.caches.delete(name); });
          });
        }
      });
    });
  }

  function start() {
    setUpMenu();
    setUpSwitches();
    setUpOfflineWeek();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
