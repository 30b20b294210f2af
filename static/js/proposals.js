// Similar proposals while typing the title/problem: asks /proposals/similar and lists matches
// with an "endorse instead" button. The form works without this file.
(function () {
  "use strict";
  var form = document.getElementById("proposal-form");
  if (!form || !window.fetch) { return; }
  var box = document.getElementById("similar");
  var list = document.getElementById("similar-list");
  var template = document.getElementById("similar-item");
  var title = form.querySelector("[name=title]");
  var problem = form.querySelector("[name=problem]");
  var timer = null;
  var last = "";

  function render(items) {
    list.textContent = "";
    items.forEach(function (item) {
      var node = template.content.cloneNode(true);
      var link = node.querySelector(".similar-title");
      link.href = item.url;
      link.textContent = "#" + item.id + " " + item.title;
      var state = node.querySelector(".similar-state");
      state.textContent = item.state_label;
      state.setAttribute("data-state", item.state);
      node.querySelector(".similar-office").textContent = item.office;
      if (item.can_endorse) {
        // inside the proposal form (forms cannot nest): the button posts the form's CSRF token there
        var endorse = node.querySelector(".endorse-instead");
        endorse.setAttribute("formaction", item.endorse_url);
        endorse.hidden = false;
      }
      list.appendChild(node);
    });
    box.hidden = items.length === 0;
  }

  function lookup() {
    var t = title.value.trim();
    var b = problem ? problem.value.trim() : "";
    var key = t + "\n" + b;
    if (key === last || (t.length < 5 && b.length < 20)) { return; }
    last = key;
    var params = new URLSearchParams({title: t, body: b.slice(0, 2000)});
    if (form.dataset.exclude) { params.set("exclude", form.dataset.exclude); }
    fetch(form.dataset.similarUrl + "?" + params.toString(), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {items: []}; })
      .then(function (data) { render(data.items || []); })
      .catch(function () { /* suggestions are a convenience; typing goes on */ });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(lookup, 400);
  }
  title.addEventListener("input", schedule);
  if (problem) { problem.addEventListener("input", schedule); }
  lookup();
})();
