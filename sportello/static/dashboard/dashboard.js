// The dashboard: GridStack places, moves and resizes the widgets; every change is saved on
// the server. Everything dragging does can also be done with buttons, for the keyboard.
(function () {
  "use strict";

  var COLUMNS = 12;
  var ROW_HEIGHT = 80;

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function csrfToken() {
    var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    return headers["X-CSRFToken"];
  }

  function newId() {
    return "w" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
  }

  // How many list rows fit in a widget `h` grid rows high.
  function rowsFor(h) {
    return Math.max(1, Math.floor((h * ROW_HEIGHT - 70) / 34));
  }

  ready(function () {
    var root = document.getElementById("dashboard");
    if (!root || !window.GridStack) return;
    var status = document.getElementById("dashboard-status");
    var palette = document.getElementById("widget-palette");
    var empty = root.querySelector(".dashboard-empty");
    var topButton = root.querySelector(".add-widgets-top");
    var addButtons = root.querySelectorAll(".add-widgets");

    var grid = GridStack.init(
      {
        column: COLUMNS,
        cellHeight: ROW_HEIGHT,
        margin: 8,
        float: true,
        acceptWidgets: ".palette-item",
        resizable: { handles: "se" },
        draggable: { handle: ".widget-header", cancel: "button, summary, .widget-actions" },
        columnOpts: { breakpointForWindow: true, breakpoints: [{ w: 700, c: 1 }] },
      },
      "#dashboard-grid"
    );
    GridStack.setupDragIn(".palette-item", { appendTo: "body", helper: "clone" });

    function announce(text) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }

    function layout() {
      return grid.getGridItems().map(function (el) {
        var node = el.gridstackNode;
        return { id: el.getAttribute("gs-id"), kind: el.dataset.kind, x: node.x, y: node.y, w: node.w, h: node.h };
      });
    }

    var saving = null;
    function save() {
      window.clearTimeout(saving);
      saving = window.setTimeout(function () {
        var body = new URLSearchParams({ layout: JSON.stringify(layout()) });
        fetch(root.dataset.saveUrl, {
          method: "POST",
          headers: { "X-CSRFToken": csrfToken() },
          body: body,
          credentials: "same-origin",
        }).then(function (response) {
          announce(response.ok ? root.dataset.savedMessage : root.dataset.errorMessage);
          root.dataset.saved = String(Date.now());
        }, function () {
          announce(root.dataset.errorMessage);
        });
      }, 250);
      showEmptyState();
    }

    function showEmptyState() {
      var hasWidgets = grid.getGridItems().length > 0;
      empty.hidden = hasWidgets;
      topButton.hidden = !hasWidgets;
      syncPalette();
    }

    // Each widget is placed once: the list offers only those not on the grid yet.
    function syncPalette() {
      var placed = {};
      grid.getGridItems().forEach(function (el) { placed[el.dataset.kind] = true; });
      var offered = 0;
      palette.querySelectorAll(".palette-item").forEach(function (item) {
        item.hidden = Boolean(placed[item.dataset.kind]);
        if (!item.hidden) offered += 1;
      });
      palette.querySelector(".palette-full").hidden = offered > 0;
    }

    // Turns an element into a live widget of `kind`: the frame from its <template> replaces
    // the palette card (GridStack's own resize handles beside it stay), content by HTMX.
    function dress(el, kind) {
      var template = document.getElementById("widget-frame-" + kind);
      el.classList.remove("palette-item");
      el.dataset.kind = kind;
      if (!el.getAttribute("gs-id")) el.setAttribute("gs-id", newId());
      var frame = template.content.firstElementChild.cloneNode(true);
      var old = el.querySelector(".grid-stack-item-content");
      if (old) old.replaceWith(frame);
      else el.appendChild(frame);
      refreshSize(el, false);
    }

    function refreshSize(el, reload) {
      var body = el.querySelector(".widget-body");
      var node = el.gridstackNode;
      var h = node ? node.h : Number(el.getAttribute("gs-h")) || 4;
      body.setAttribute("hx-get", body.dataset.src + "?rows=" + rowsFor(h));
      if (reload) {
        window.htmx.process(body);
        window.htmx.trigger(body, "refresh");
      }
    }

    function openPalette() {
      palette.hidden = false;
      addButtons.forEach(function (button) { button.setAttribute("aria-expanded", "true"); });
      palette.querySelector("h2").setAttribute("tabindex", "-1");
      palette.querySelector("h2").focus();
    }

    function closePalette() {
      palette.hidden = true;
      addButtons.forEach(function (button) { button.setAttribute("aria-expanded", "false"); });
      (empty.hidden ? topButton : empty.querySelector("button")).focus();
    }

    addButtons.forEach(function (button) { button.addEventListener("click", openPalette); });
    palette.querySelector(".close-palette").addEventListener("click", closePalette);
    palette.addEventListener("keydown", function (event) {
      if (event.key === "Escape") closePalette();
    });

    // Added with the keyboard: the palette's own button.
    palette.addEventListener("click", function (event) {
      var button = event.target.closest(".add-widget");
      if (!button) return;
      var source = button.closest(".palette-item");
      var el = document.createElement("div");
      el.className = "grid-stack-item";
      el.setAttribute("gs-w", source.getAttribute("gs-w"));
      el.setAttribute("gs-h", source.getAttribute("gs-h"));
      dress(el, button.dataset.kind);
      grid.el.appendChild(el);
      grid.makeWidget(el, {
        w: Number(source.getAttribute("gs-w")),
        h: Number(source.getAttribute("gs-h")),
        autoPosition: true,
      });
      window.htmx.process(el);
      save();
      var title = el.querySelector(".widget-title");
      title.scrollIntoView({ block: "nearest" });
      title.focus();
    });

    // Dropped by dragging from the palette.
    grid.on("dropped", function (event, previous, node) {
      dress(node.el, node.el.dataset.kind);
      window.htmx.process(node.el);
      save();
    });
    grid.on("change", save);
    grid.on("removed", save);
    grid.on("resizestop", function (event, el) { refreshSize(el, true); });

    // The arrangement buttons of each widget.
    root.addEventListener("click", function (event) {
      var button = event.target.closest("[data-action]");
      if (!button) return;
      var el = button.closest(".grid-stack-item");
      var node = el.gridstackNode;
      var action = button.dataset.action;
      if (action === "remove") {
        grid.removeWidget(el);
        (empty.hidden ? topButton : empty.querySelector("button")).focus();
        return;
      }
      var change = {
        left: { x: Math.max(0, node.x - 1) },
        right: { x: Math.min(COLUMNS - node.w, node.x + 1) },
        up: { y: Math.max(0, node.y - 1) },
        down: { y: node.y + 1 },
        wider: { w: Math.min(COLUMNS - node.x, node.w + 1) },
        narrower: { w: Math.max(1, node.w - 1) },
        taller: { h: Math.min(12, node.h + 1) },
        shorter: { h: Math.max(1, node.h - 1) },
      }[action];
      grid.update(el, change);
      if (change.h) refreshSize(el, true);
      save();
      button.focus();
    });

    // Charts of the "counts" widgets, drawn whenever their content (re)loads.
    document.body.addEventListener("htmx:afterSwap", function (event) {
      var canvas = event.detail.target.querySelector("canvas.status-chart");
      if (!canvas || !window.Chart) return;
      var existing = window.Chart.getChart(canvas);
      if (existing) existing.destroy();
      // Horizontal bars: the labels read across, however narrow the widget.
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: canvas.dataset.labels.split("|"),
          datasets: [{
            data: canvas.dataset.values.split("|").map(Number),
            backgroundColor: "#0b5cab",
            maxBarThickness: 22,
          }],
        },
        options: {
          indexAxis: "y",
          animation: false,
          maintainAspectRatio: false,
          plugins: { legend: { display: false } },
          scales: {
            x: { beginAtZero: true, ticks: { precision: 0 } },
            y: { ticks: { autoSkip: false } },
          },
        },
      });
    });

    showEmptyState();
  });
})();
