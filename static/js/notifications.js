// Live notifications: keeps the bell's unread count current and shows new ones as they arrive
// (Socket.IO namespace /notifications, see collab/notifications/events.py). Without JavaScript
// the bell still shows the count from the page and links to the list.
(function () {
  "use strict";
  var bell = document.getElementById("notification-bell");
  var count = document.getElementById("notification-count");
  if (!bell || !count || typeof io === "undefined") { return; }

  function setUnread(n) {
    count.textContent = String(n);
    count.classList.toggle("is-zero", n === 0);
    var label = bell.getAttribute("data-label");
    if (label) { bell.setAttribute("aria-label", label.replace("{n}", String(n))); }
  }

  var live = document.createElement("div");
  live.className = "notification-toast";
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  live.hidden = true;
  document.body.appendChild(live);
  var hideTimer = null;

  function toast(n) {
    live.textContent = "";
    var link = document.createElement("a");
    link.href = n.url || bell.getAttribute("href");
    link.textContent = n.text;
    live.appendChild(link);
    live.hidden = false;
    if (hideTimer) { clearTimeout(hideTimer); }
    hideTimer = setTimeout(function () { live.hidden = true; }, 8000);
  }

  // On the list page a new one is added on top, opened the same way as the others: a POST that
  // marks it read and goes on to its object (the CSRF token comes from the page's meta tag).
  function prepend(n) {
    var list = document.getElementById("notification-list");
    var empty = document.getElementById("no-notifications");
    if (!list && empty) {
      list = document.createElement("ul");
      list.className = "notification-list";
      list.id = "notification-list";
      empty.parentNode.replaceChild(list, empty);
    }
    if (!list || document.getElementById("notification-" + n.id)) { return; }
    var item = document.createElement("li");
    item.className = "unread";
    item.id = "notification-" + n.id;
    var token = document.querySelector("meta[name='csrf-token']");
    var form = document.createElement("form");
    form.method = "post";
    form.className = "inline";
    form.action = bell.getAttribute("href").replace(/\/?$/, "/") + encodeURIComponent(n.id) + "/read";
    var csrf = document.createElement("input");
    csrf.type = "hidden";
    csrf.name = "csrf_token";
    csrf.value = token ? token.getAttribute("content") : "";
    var open = document.createElement("button");
    open.type = "submit";
    open.name = "open";
    open.value = "1";
    open.className = "link notification-open";
    open.textContent = n.text;
    form.appendChild(csrf);
    form.appendChild(open);
    item.appendChild(form);
    list.insertBefore(item, list.firstChild);
  }

  var socket = io("/notifications", { reconnectionDelayMax: 10000 });
  socket.on("connect", function () { bell.setAttribute("data-live", "1"); });
  socket.on("disconnect", function () { bell.removeAttribute("data-live"); });
  socket.on("unread", function (data) { setUnread(data.unread); });  // read in another tab
  socket.on("notification", function (data) {
    setUnread(data.unread);
    if (data.notification) {
      toast(data.notification);
      prepend(data.notification);
    }
  });
})();
