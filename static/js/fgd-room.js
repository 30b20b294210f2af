/* The FGD live room client. Protocol: docs/live-protocol.md.
 * - reconnects by itself (Socket.IO) and, on every (re)connect, joins with the last seq it saw,
 *   so the server sends exactly what was missed;
 * - unsent messages wait in an outbox (kept in localStorage) with their client key and are
 *   re-sent after a reconnect; the server stores a key once, so nothing is shown twice.
 * No inline scripts: the page's CSP forbids them. Text is always inserted as text. */
(function () {
  "use strict";
  var root = document.getElementById("fgd-room");
  if (!root || typeof io === "undefined" || !window.RembukLive) { return; }
  var d = root.dataset;
  var sessionId = parseInt(d.sessionId, 10);
  var userId = parseInt(d.userId, 10);
  var facilitator = d.facilitator === "1";
  var lastSeq = parseInt(d.lastSeq, 10) || 0;
  var list = document.getElementById("fgd-messages");
  var notice = document.getElementById("fgd-notice");
  var conn = document.getElementById("fgd-conn");
  var outboxKey = "fgd-outbox-" + sessionId + "-" + userId;
  var live = window.RembukLive, el = live.el, newKey = live.newKey;
  var outbox = live.loadOutbox(outboxKey);

  function saveOutbox() { live.saveOutbox(outboxKey, outbox); }
  function showNotice(text) { notice.textContent = text; notice.hidden = !text; }
  function scrollDown() { list.scrollTop = list.scrollHeight; }

  var socket = io("/fgd", { auth: { session_id: sessionId }, reconnectionDelayMax: 10000 });

  function renderMessage(m) {
    var li = document.getElementById("msg-" + m.seq) || el("li");
    li.id = "msg-" + m.seq;
    li.dataset.seq = m.seq;
    li.dataset.id = m.id;
    li.className = "fgd-msg" + (m.hidden ? " fgd-msg-hidden" : "") + (m.is_point ? " fgd-msg-point" : "");
    li.textContent = "";
    li.appendChild(el("strong", "fgd-author", m.author));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(el("span", "fgd-body", m.hidden ? d.tHidden + " " + (m.hidden_reason || "") : m.body));
    if (m.is_point) { li.appendChild(el("mark", "fgd-point-tag", d.tPoint)); }
    if (facilitator && !m.hidden) {
      var tools = el("span", "fgd-tools");
      var point = el("button", "outline secondary fgd-tool", d.tMarkPoint);
      point.type = "button";
      point.addEventListener("click", function () { moderate({ action: "point", message_id: m.id, value: !m.is_point }); });
      var hide = el("button", "outline secondary fgd-tool", d.tHide);
      hide.type = "button";
      hide.addEventListener("click", function () {
        var reason = window.prompt(d.tHideReason);
        if (reason) { moderate({ action: "hide", message_id: m.id, reason: reason }); }
      });
      tools.appendChild(point);
      tools.appendChild(hide);
      if (m.is_point) {
        var toProposal = el("button", "outline fgd-tool", d.tToProposal);
        toProposal.type = "button";
        toProposal.addEventListener("click", function () {
          moderate({ action: "proposal", message_id: m.id }, function (res) {
            answer(res);
            if (res && res.ok) { showNotice(d.tProposalMade.replace("{id}", res.proposal_id)); }
          });
        });
        var toAction = el("button", "outline fgd-tool", d.tToAction);
        toAction.type = "button";
        toAction.addEventListener("click", function () {
          moderate({ action: "action_item", message_id: m.id }, function (res) {
            answer(res);
            if (res && res.ok) { showNotice(d.tActionMade); }
          });
        });
        tools.appendChild(toProposal);
        tools.appendChild(toAction);
      }
      li.appendChild(tools);
    }
    if (!li.parentNode) {
      // keep the list in seq order even if broadcasts arrive out of order
      var next = null;
      Array.prototype.some.call(list.children, function (child) {
        if (parseInt(child.dataset.seq, 10) > m.seq) { next = child; return true; }
        return false;
      });
      list.insertBefore(li, next);
    }
  }

  // the server-rendered history gets the facilitator's tools too
  if (facilitator) {
    Array.prototype.forEach.call(list.querySelectorAll("li.fgd-msg:not(.fgd-msg-hidden)"), function (li) {
      renderMessage({ id: parseInt(li.dataset.id, 10), seq: parseInt(li.dataset.seq, 10), session_id: sessionId,
                      author: li.querySelector(".fgd-author").textContent, body: li.querySelector(".fgd-body").textContent,
                      hidden: false, is_point: li.classList.contains("fgd-msg-point") });
    });
  }

  // lastSeq is the seq up to which this page has every message, without a gap: a (re)join asks
  // from there, so a live broadcast that overtakes a catch-up can never hide the messages between.
  function advance() { while (document.getElementById("msg-" + (lastSeq + 1))) { lastSeq += 1; } }

  socket.on("message", function (m) {
    if (m.session_id !== sessionId) { return; }
    renderMessage(m);
    advance();
    if (m.seq > lastSeq && !socket.catchingUp) {
      // a gap: ask for what is missing (the join answer fills it in order)
      join();
    }
    scrollDown();
  });
  socket.on("message_updated", function (m) { if (m.session_id === sessionId) { renderMessage(m); } });

  function renderHands(queue, called) {
    var ol = document.getElementById("fgd-hands");
    ol.textContent = "";
    queue.forEach(function (h) { ol.appendChild(el("li", null, h.name)); });
    var p = document.getElementById("fgd-called");
    if (called) { p.textContent = called.name + " " + d.tCalled; p.hidden = false; }
  }
  socket.on("hands", function (h) { if (h.session_id === sessionId) { renderHands(h.queue, h.called); } });

  var polls = {};
  var myVotes = {};  // poll id -> the option this person chose (from the join ack and own votes)
  function renderPolls() {
    var box = document.getElementById("fgd-polls");
    box.textContent = "";
    Object.keys(polls).sort(function (a, b) { return b - a; }).forEach(function (id) {
      var p = polls[id];
      var art = el("article", "fgd-poll");
      art.appendChild(el("strong", null, p.question + (p.closed ? " (" + d.tClosed + ")" : "")));
      var ul = el("ul");
      p.options.forEach(function (o) {
        var mine = myVotes[p.id] === o.id;
        var li = el("li", mine ? "fgd-poll-mine" : null);
        if (!p.closed) {
          var b = el("button", mine ? "fgd-tool" : "outline fgd-tool", d.tVote);
          b.type = "button";
          b.setAttribute("aria-pressed", mine ? "true" : "false");
          b.addEventListener("click", function () {
            socket.emit("poll", { session_id: sessionId, action: "vote", poll_id: p.id, option_id: o.id }, function (res) {
              answer(res);
              if (res && res.ok) { myVotes[p.id] = o.id; renderPolls(); }
            });
          });
          li.appendChild(b);
          li.appendChild(document.createTextNode(" "));
        }
        li.appendChild(document.createTextNode(o.label + ": " + o.votes + " " + d.tVotes));
        if (mine) { li.appendChild(el("mark", "fgd-your-vote", d.tYourVote)); }
        ul.appendChild(li);
      });
      art.appendChild(ul);
      if (facilitator && !p.closed) {
        var c = el("button", "secondary fgd-tool", d.tClosePoll);
        c.type = "button";
        c.addEventListener("click", function () {
          socket.emit("poll", { session_id: sessionId, action: "close", poll_id: p.id }, answer);
        });
        art.appendChild(c);
      }
      box.appendChild(art);
    });
  }
  socket.on("poll", function (p) { if (p.session_id === sessionId) { polls[p.id] = p; renderPolls(); } });

  var muted = {};
  socket.on("presence", function (p) {
    if (p.session_id !== sessionId) { return; }
    var ul = document.getElementById("fgd-presence");
    ul.textContent = "";
    p.people.forEach(function (person) {
      var li = el("li", null, person.name);
      if (facilitator && person.user_id !== userId) {
        var b = el("button", "outline secondary fgd-tool", muted[person.user_id] ? d.tUnmute : d.tMute);
        b.type = "button";
        b.addEventListener("click", function () {
          moderate({ action: muted[person.user_id] ? "unmute" : "mute", user_id: person.user_id });
        });
        li.appendChild(document.createTextNode(" "));
        li.appendChild(b);
      }
      ul.appendChild(li);
    });
  });
  socket.on("muted", function (m) {
    if (m.session_id !== sessionId) { return; }
    muted[m.user_id] = m.muted;
    if (m.user_id === userId) { showNotice(m.muted ? d.tMuted : ""); }
  });
  socket.on("room_state", function (s) {
    if (s.session_id !== sessionId) { return; }
    setStatus(s.status);
  });

  var statusLabels = JSON.parse(d.statusLabels || "{}");
  function setStatus(status) {
    d.status = status;
    var open = status === "live";
    document.getElementById("fgd-send").hidden = !open;
    document.getElementById("fgd-status").textContent = statusLabels[status] || status;
    ["fgd-raise", "fgd-lower", "fgd-next"].forEach(function (id) {
      var b = document.getElementById(id);
      if (b) { b.hidden = !open; }
    });
    if (!open && status !== "scheduled") { showNotice(d.tRoomClosed); }
  }

  function answer(res) {
    if (res && res.ok === false) { showNotice(res.message); }
  }
  function moderate(data, callback) {
    data.session_id = sessionId;
    socket.emit("moderate", data, callback || answer);
  }

  function flushOutbox() {
    outbox.forEach(function (item) {
      if (item.inFlight) { return; }
      item.inFlight = true;
      socket.timeout(15000).emit("send", item.data, function (err, res) {
        item.inFlight = false;
        if (err) { return; } // timed out: stays in the outbox and goes again after a reconnect
        if (res.ok || res.code !== "rate_limited") {
          outbox = outbox.filter(function (o) { return o !== item; });
          saveOutbox();
        }
        if (!res.ok) { showNotice(res.message); }
        var pending = document.getElementById("pending-" + item.data.client_key);
        if (pending) { pending.remove(); }
      });
    });
  }

  document.getElementById("fgd-send").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var body = document.getElementById("fgd-body");
    var text = body.value.trim();
    if (!text) { return; }
    var agenda = document.getElementById("fgd-agenda");
    var data = { session_id: sessionId, body: text, client_key: newKey(),
                 agenda_item_id: agenda && agenda.value ? parseInt(agenda.value, 10) : null };
    outbox.push({ data: data });
    saveOutbox();
    var li = el("li", "fgd-msg fgd-msg-pending", text + " (" + d.tSending + ")");
    li.id = "pending-" + data.client_key;
    li.dataset.seq = "999999999";
    list.appendChild(li);
    body.value = "";
    showNotice("");
    scrollDown();
    if (socket.connected) { flushOutbox(); }
  });

  function bind(id, event, data) {
    var b = document.getElementById(id);
    if (b) { b.addEventListener("click", function () { data.session_id = sessionId; socket.emit(event, data, answer); }); }
  }
  bind("fgd-raise", "hand", { action: "raise" });
  bind("fgd-lower", "hand", { action: "lower" });
  bind("fgd-next", "hand", { action: "next" });
  var pollForm = document.getElementById("fgd-poll-new");
  if (pollForm) {
    pollForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var options = pollForm.options.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
      socket.emit("poll", { session_id: sessionId, action: "create", question: pollForm.question.value, options: options },
        function (res) { answer(res); if (res && res.ok) { pollForm.reset(); } });
    });
  }

  function join() {
    var from = lastSeq;
    socket.catchingUp = true;
    socket.emit("join", { session_id: sessionId, last_seq: lastSeq }, function (res) {
      socket.catchingUp = false;
      if (!res || !res.ok) { showNotice(res ? res.message : ""); return; }
      advance();
      // one join sends at most a page of missed messages: ask again while the room is ahead
      // (and the last ask made progress, so a lost message cannot make this loop forever)
      if (res.last_seq > lastSeq && lastSeq > from) { join(); return; }
      setStatus(res.status);
      if (res.muted) { showNotice(d.tMuted); }
      renderHands(res.hands);
      res.polls.forEach(function (p) { polls[p.id] = p; });
      Object.keys(res.my_votes || {}).forEach(function (id) { myVotes[id] = res.my_votes[id]; });
      renderPolls();
      flushOutbox();
    });
  }

  socket.on("connect", function () {
    conn.textContent = d.tOnline;
    conn.className = "fgd-conn fgd-conn-online";
    join();
  });
  socket.on("disconnect", function () {
    conn.textContent = d.tOffline;
    conn.className = "fgd-conn fgd-conn-offline";
  });
  socket.on("connect_error", function (err) {
    conn.textContent = d.tOffline;
    if (err && err.data && err.data.message) { showNotice(err.data.message); }
  });
})();
