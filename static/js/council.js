/* The council sitting page: joins the sitting's room on /council and updates the tally as
 * ballots are committed (only when the sitting shows its tally live; the server never sends
 * names). Results and the opening of the vote reload the counts in place. No inline scripts
 * (CSP); text is inserted as text. Without JavaScript the page still shows the tally on reload. */
(function () {
  "use strict";
  var root = document.getElementById("council-live");
  if (!root || root.dataset.live !== "1" || typeof io === "undefined") { return; }
  var d = root.dataset;
  var sittingId = parseInt(d.sittingId, 10);
  var labels = { accepted: d.tAccepted, rejected: d.tRejected, no_quorum: d.tNoQuorum };

  function update(t) {
    var box = root.querySelector('[data-tally-for="' + t.proposal_id + '"]');
    if (!box) { return; }
    ["voted", "approve", "reject", "abstain", "recused"].forEach(function (k) {
      var cell = box.querySelector('[data-k="' + k + '"]');
      if (cell && t[k] !== undefined) { cell.textContent = String(t[k]); }
    });
    if (t.result) {
      var res = box.querySelector("[data-result]");
      if (!res) {
        res = document.createElement("strong");
        res.setAttribute("data-result", "");
        box.insertBefore(document.createTextNode(" · "), box.firstChild);
        box.insertBefore(res, box.firstChild);
      }
      res.className = "council-result council-result-" + t.result;
      res.textContent = labels[t.result] || t.result;
    }
    box.classList.add("council-tally-updated");
  }

  var socket = io("/council", { reconnectionDelayMax: 10000 });
  socket.on("connect", function () {
    socket.emit("join", { sitting_id: sittingId }, function (ack) {
      if (ack && ack.ok) {
        (ack.tallies || []).forEach(update);
        root.dataset.joined = "1";
      }
    });
  });
  socket.on("tally", function (t) { if (t.sitting_id === sittingId) { update(t); } });
  socket.on("result", function (t) {
    if (t.sitting_id !== sittingId) { return; }
    update(t);
    document.getElementById("sitting-state").textContent = d.tClosed;
  });
  socket.on("state", function (s) {
    if (s.sitting_id === sittingId && s.state === "open") {
      document.getElementById("sitting-state").textContent = d.tOpen;
    }
  });
}());
