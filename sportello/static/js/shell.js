// The page shell: the left menu's show/hide button, the user menu, confirmations, the
// lists' clickable rows and filter panels.
// No inline handlers anywhere: the Content Security Policy forbids them.
(function () {
  "use strict";

  var WIDE = window.matchMedia("(min-width: 900px)");
  var STORAGE_KEY = "sportello.menu";

  function setupMenu() {
    var shell = document.getElementById("shell");
    var toggle = document.getElementById("menu-toggle");
    if (!shell || !toggle) return;

    function isOpen() {
      var state = shell.dataset.menu;
      return state ? state === "open" : WIDE.matches;
    }
    function render() {
      var open = isOpen();
      toggle.setAttribute("aria-expanded", String(open));
      var label = open ? toggle.dataset.labelHide : toggle.dataset.labelShow;
      toggle.title = label;
      toggle.querySelector(".visually-hidden").textContent = label;
    }
    function apply(state, remember) {
      shell.dataset.menu = state;
      if (remember && WIDE.matches) {
        try { localStorage.setItem(STORAGE_KEY, state); } catch (e) { /* private mode */ }
      }
      render();
    }

    var saved = null;
    try { saved = localStorage.getItem(STORAGE_KEY); } catch (e) { /* private mode */ }
    apply(WIDE.matches ? (saved || "open") : "closed", false);

    toggle.addEventListener("click", function () {
      apply(isOpen() ? "closed" : "open", true);
      if (isOpen() && !WIDE.matches) {
        var first = document.querySelector("#main-menu a");
        if (first) first.focus();
      }
    });
    WIDE.addEventListener("change", function () {
      var stored = null;
      try { stored = localStorage.getItem(STORAGE_KEY); } catch (e) { /* private mode */ }
      apply(WIDE.matches ? (stored || "open") : "closed", false);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !WIDE.matches && isOpen()) {
        apply("closed", false);
        toggle.focus();
      }
    });
  }

  function setupUserMenu() {
    var menu = document.getElementById("user-menu");
    if (!menu) return;
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }

  // <form data-confirm="Are you sure?"> asks before submitting.
  function setupConfirmations() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      var question = form.dataset && form.dataset.confirm;
      if (question && !window.confirm(question)) event.preventDefault();
    }, true);
  }

  // <select data-autosubmit> submits its form when changed (with a button kept for no-JS).
  function setupAutosubmit() {
    document.addEventListener("change", function (event) {
      if (event.target.matches && event.target.matches("select[data-autosubmit]")) {
        event.target.form.requestSubmit();
      }
    });
  }

  // A form sent once is not sent again by a second click while the page loads: its
  // submit buttons are disabled once it leaves. A courtesy only: the one-time key the
  // form carries is what makes a repeat harmless on the server.
  function setupSingleSubmit() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.method.toLowerCase() !== "post") return;
      // After this turn, so that the button that was pressed still sends its own value,
      // and only if no other script stopped the submission (a file too large).
      window.setTimeout(function () {
        if (event.defaultPrevented) return;
        form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (button) {
          button.disabled = true;
          button.setAttribute("aria-disabled", "true");
        });
        form.setAttribute("aria-busy", "true");
      }, 0);
    });
    // Coming back to the page (back button) shows it usable again.
    window.addEventListener("pageshow", function () {
      document.querySelectorAll("form[aria-busy=true]").forEach(function (form) {
        form.removeAttribute("aria-busy");
        form.querySelectorAll("[aria-disabled=true]").forEach(function (button) {
          button.disabled = false;
          button.removeAttribute("aria-disabled");
        });
      });
    });
  }

  // <table data-row-links>: a click anywhere on a row follows the row's own link
  // (a.row-link), which stays a real link for the keyboard, middle click and Ctrl+click.
  // A click on another control, or one that ends a text selection, is left alone.
  function setupRowLinks() {
    function follow(event, newTab) {
      var row = event.target.closest && event.target.closest("table[data-row-links] tbody tr");
      if (!row || event.target.closest("a, button, input, select, textarea, label, summary")) return;
      var link = row.querySelector("a.row-link");
      var selection = window.getSelection ? String(window.getSelection()) : "";
      if (!link || selection) return;
      if (newTab) window.open(link.href, "_blank", "noopener");
      else window.location.assign(link.href);
    }
    document.addEventListener("click", function (event) {
      if (event.button === 0) follow(event, event.ctrlKey || event.metaKey || event.shiftKey);
    });
    document.addEventListener("auxclick", function (event) {
      if (event.button === 1) follow(event, true);
    });
  }

  // <details data-open-wide>: a list's filter panel, open by default where the screen has
  // room for it beside the results; a person's choice on a wide screen is remembered.
  function setupFilterPanels() {
    var roomy = window.matchMedia("(min-width: 100rem)");
    document.querySelectorAll("details[data-open-wide][id]").forEach(function (panel) {
      var key = "sportello.panel." + panel.id;
      var saved = null;
      try { saved = localStorage.getItem(key); } catch (e) { /* private mode */ }
      if (!panel.open && roomy.matches && saved !== "closed") panel.open = true;
      panel.addEventListener("toggle", function () {
        if (!WIDE.matches) return;
        try { localStorage.setItem(key, panel.open ? "open" : "closed"); } catch (e) { /* private mode */ }
      });
    });
  }

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    setupMenu();
    setupUserMenu();
    setupConfirmations();
    setupAutosubmit();
    setupSingleSubmit();
    setupRowLinks();
    setupFilterPanels();
  });
})();
