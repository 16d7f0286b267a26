// Registers the service worker (its URL is the script tag's data-service-worker), which
// makes the portal installable as an app and shows an offline page without a network.
// Plain ES5 on purpose: the page for unsupported browsers loads it too, and there it must
// do nothing rather than fail.
(function () {
  "use strict";

  if (!("serviceWorker" in navigator)) return;
  var script = document.currentScript;
  var url = script && script.getAttribute("data-service-worker");
  if (!url) return;

  function register() {
    navigator.serviceWorker.register(url).catch(function () {
      // No worker (storage disabled, private mode…): the portal works without it.
    });
  }
  // After the page has loaded, so that the worker's downloads never slow it down.
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register);
})();
