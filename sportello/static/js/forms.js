// Forms: the error summary (GOV.UK's pattern) and the checks the browser makes before
// sending, in the server's own words.
//
// - A page with an error summary (partials/form_errors.html) moves the focus to it and
//   says "Errore:" in its title; a link of the summary takes the person to its field.
// - Before a form marked novalidate (they all include partials/form_errors.html) is sent,
//   its required fields (data-required: the server's "required" message) and its
//   attachments (data-max-bytes, data-max-files; the messages of
//   tickets/partials/attachment_problem.html) are checked. If something is
//   wrong nothing is sent: the messages shown earlier, which may no longer be true, are
//   cleared, and the problems are shown beside their fields and in a new summary.
// The server checks everything again, whatever happens here.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function showSummary(summary) {
    var prefix = summary.dataset.titlePrefix || "";
    if (prefix && document.title.indexOf(prefix) !== 0) document.title = prefix + document.title;
    summary.focus();
  }

  // A link of the summary focuses its field and scrolls its label (or its group's legend)
  // into view, which a bare jump to the input would leave above the fold.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) return;
    var input = document.getElementById(link.getAttribute("href").slice(1));
    if (!input) return;
    event.preventDefault();
    var fieldset = input.closest("fieldset");
    var label = (fieldset && fieldset.querySelector("legend")) ||
      document.querySelector("label[for='" + input.id + "']") || input;
    label.scrollIntoView({ block: "start" });
    input.focus({ preventScroll: true });
  });

  // --- attachments ----------------------------------------------------------------------

  function attachmentBox(input) {
    return input.form && input.form.querySelector(".attachment-problem");
  }

  function attachmentProblems(input) {
    var box = attachmentBox(input);
    if (!box) return [];
    var limit = Number(input.dataset.maxBytes);
    var maxFiles = Number(input.dataset.maxFiles);
    var problems = [];
    Array.prototype.forEach.call(input.files || [], function (file) {
      if (file.size >= limit) problems.push(box.dataset.tooLarge.replace("{file}", file.name));
    });
    if (maxFiles && input.files && input.files.length > maxFiles) problems.push(box.dataset.tooMany);
    return problems;
  }

  // Said at once when files are chosen, under the input.
  function showAttachmentProblems(input, problems) {
    var box = attachmentBox(input);
    if (!box) return;
    box.textContent = problems.join(" ");
    box.hidden = problems.length === 0;
    setInvalid(input, problems.length > 0, box.id);
  }

  // A summary keeps no line about files that are no longer chosen.
  function forgetInSummary(input) {
    var summary = input.form && input.form.querySelector(".error-summary");
    if (!summary) return;
    summary.querySelectorAll("a[href='#" + input.id + "']").forEach(function (link) {
      link.closest("li").remove();
    });
    if (!summary.querySelector(".error-summary-list li")) summary.remove();
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[type=file][data-max-bytes]")) {
      var problems = attachmentProblems(input);
      showAttachmentProblems(input, problems);
      if (!problems.length) forgetInSummary(input);
    }
  });

  // --- checking a form before it is sent ---------------------------------------------------

  function isEmpty(field) {
    var inputs = field.querySelectorAll("input, select, textarea");
    var choices = field.querySelectorAll("input[type=radio], input[type=checkbox]");
    if (choices.length) {
      return !Array.prototype.some.call(choices, function (input) { return input.checked; });
    }
    return !Array.prototype.some.call(inputs, function (input) {
      return input.type === "file" ? input.files && input.files.length : input.value.trim() !== "";
    });
  }

  // The control a problem's link leads to: the field's input, or its group's first option.
  function firstControl(field) {
    return field.querySelector("input:not([type=hidden]), select, textarea");
  }

  function problemsOf(form) {
    var problems = [];
    form.querySelectorAll("[data-required]").forEach(function (field) {
      var control = firstControl(field);
      if (control && !control.disabled && isEmpty(field)) {
        problems.push({ field: field, control: control, message: field.dataset.required });
      }
    });
    form.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
      var found = attachmentProblems(input);
      showAttachmentProblems(input, found);
      found.forEach(function (message) {
        problems.push({ field: input.closest(".field"), control: input, message: message, shown: true });
      });
    });
    return problems;
  }

  function setInvalid(control, invalid, describedBy) {
    control.setAttribute("aria-invalid", invalid ? "true" : "false");
    if (!describedBy) return;
    var ids = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    var at = ids.indexOf(describedBy);
    if (invalid && at === -1) ids.push(describedBy);
    control.setAttribute("aria-describedby", ids.join(" "));
  }

  // Messages from the last answer of the server, or from the last check here.
  function clearErrors(form) {
    form.querySelectorAll(".error-summary").forEach(function (summary) { summary.remove(); });
    form.querySelectorAll(".field-invalid").forEach(function (field) {
      field.classList.remove("field-invalid");
      field.querySelectorAll("ul.errorlist").forEach(function (list) { list.remove(); });
      field.querySelectorAll("[aria-invalid=true]").forEach(function (control) {
        control.setAttribute("aria-invalid", "false");
      });
    });
  }

  // An empty summary: from the form's <template>, or a copy of the server's summary.
  function blankSummary(form) {
    var template = form.querySelector("template.error-summary-template");
    var summary = template ? template.content.firstElementChild.cloneNode(true)
      : form.querySelector(".error-summary").cloneNode(true);
    summary.querySelector(".error-summary-list").textContent = "";
    return summary;
  }

  function showErrors(form, summary, problems) {
    var list = summary.querySelector(".error-summary-list");
    problems.forEach(function (problem) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + problem.control.id;
      link.textContent = problem.message;
      item.appendChild(link);
      list.appendChild(item);
      if (!problem.field) return;
      problem.field.classList.add("field-invalid");
      if (problem.shown) return;
      var id = problem.control.id + "_error";
      var errors = document.getElementById(id) || document.createElement("ul");
      errors.className = "errorlist";
      errors.id = id;
      errors.textContent = "";
      var line = document.createElement("li");
      line.textContent = problem.message;
      errors.appendChild(line);
      problem.field.appendChild(errors);
      setInvalid(problem.control, true, id);
    });
    var anchor = form.querySelector("input[name=csrfmiddlewaretoken]");
    form.insertBefore(summary, anchor ? anchor.nextSibling : form.firstChild);
    showSummary(summary);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("novalidate")) return;
    var problems = problemsOf(form);
    if (!problems.length) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    var summary = blankSummary(form);
    clearErrors(form);
    showErrors(form, summary, problems);
  });

  ready(function () {
    var summary = document.querySelector(".error-summary");
    if (summary) showSummary(summary);
  });
})();
