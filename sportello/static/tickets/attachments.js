// Refuses, before the upload, files the server would refuse: each file must be smaller than
// the limit written on the input (data-max-bytes). The server checks again whatever happens here.
(function () {
  "use strict";

  function problemFor(input) {
    return input.form && input.form.querySelector(".attachment-problem");
  }

  function check(input) {
    var limit = Number(input.dataset.maxBytes);
    var maxFiles = Number(input.dataset.maxFiles);
    var box = problemFor(input);
    var errors = [];
    Array.prototype.forEach.call(input.files || [], function (file) {
      if (file.size >= limit) errors.push(box.dataset.tooLarge.replace("{file}", file.name));
    });
    if (maxFiles && input.files && input.files.length > maxFiles) {
      errors.push(box.dataset.tooMany.replace("{count}", String(maxFiles)));
    }
    box.textContent = errors.join(" ");
    box.hidden = errors.length === 0;
    input.setAttribute("aria-invalid", errors.length ? "true" : "false");
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (described.indexOf(box.id) === -1) {
      described.push(box.id);
      input.setAttribute("aria-describedby", described.join(" "));
    }
    return errors.length === 0;
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[type=file][data-max-bytes]")) check(event.target);
  });
  document.addEventListener("submit", function (event) {
    var input = event.target.querySelector("input[type=file][data-max-bytes]");
    if (input && !check(input)) {
      event.preventDefault();
      input.focus();
    }
  });
})();
