// The ticket detail: "Ingrandisci/Riduci chat" hides and shows the right-hand panel; after
// "Aggiorna" the chat scrolls to its newest message; the close checkbox, disabled until the
// ticket may be closed, is enabled when that time comes (data-enable-in: seconds).
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    var toggle = document.getElementById("toggle-panel");
    var layout = document.getElementById("ticket-layout");
    if (toggle && layout) {
      toggle.addEventListener("click", function () {
        var enlarged = layout.classList.toggle("chat-enlarged");
        toggle.setAttribute("aria-expanded", String(!enlarged));
      });
    }
    document.querySelectorAll("[data-enable-in]").forEach(function (field) {
      window.setTimeout(function () {
        field.querySelectorAll("input[disabled]").forEach(function (input) {
          input.disabled = false;
          input.removeAttribute("aria-describedby");
        });
        field.querySelectorAll(".help").forEach(function (note) { note.hidden = true; });
      }, Number(field.dataset.enableIn) * 1000);
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target && event.detail.target.id === "chat") {
        var last = event.detail.target.querySelector(".chat-messages > li:last-child");
        if (last) last.scrollIntoView({ block: "nearest" });
      }
    });
  });
})();
