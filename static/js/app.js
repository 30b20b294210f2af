// Rembuk: progressive enhancement only; every page works without this file.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
  // The language switch applies on change; the button stays for use without JavaScript.
  var lang = document.getElementById("lang-select");
  if (lang) { lang.addEventListener("change", function () { lang.form.submit(); }); }
  // A field the server refused loses its error once the person changes it (the server checks
  // again on submit): a stale "enter a title" under a title being typed only confuses.
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.getAttribute || field.getAttribute("aria-invalid") !== "true") { return; }
    field.removeAttribute("aria-invalid");
    var error = document.getElementById(field.id + "-error");
    if (error) { error.hidden = true; }
  });
})();
