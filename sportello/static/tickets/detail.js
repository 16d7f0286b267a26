// The ticket detail: "Ingrandisci/Riduci chat" hides and shows the right-hand panel; after
// "Aggiorna" the chat scrolls to its newest message.
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
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target && event.detail.target.id === "chat") {
        var last = event.detail.target.querySelector(".chat-messages > li:last-child");
        if (last) last.scrollIntoView({ block: "nearest" });
      }
    });
  });
})();
