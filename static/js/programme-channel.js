/* The programme discussion channel (namespace /programmes, docs/programme-channel.md).
 * Without JavaScript the form posts to the server; with it, messages go over the socket:
 * - on every (re)connect the client joins with the last seq it has, and the server replays
 *   exactly what was missed, in order; a gap in live messages triggers a new join;
 * - a message waits in an outbox (localStorage) with its client key until acknowledged and is
 *   re-sent after a reconnect; the server stores a key once, so nothing appears twice.
 * Text is always inserted as text (no innerHTML). */
(function () {
  "use strict";
  var root = document.getElementById("discussion");
  if (!root || !root.dataset.programmeId || typeof io === "undefined" || !window.RembukLive) { return; }
  var d = root.dataset;
  var programmeId = parseInt(d.programmeId, 10);
  var lastSeq = parseInt(d.lastSeq, 10) || 0;
  var list = document.getElementById("channel-messages");
  var empty = document.getElementById("channel-empty");
  var notice = document.getElementById("channel-notice");
  var conn = document.getElementById("channel-conn");
  var form = document.getElementById("channel-form");
  var body = form.querySelector("textarea");
  var outboxKey = "programme-outbox-" + programmeId + "-" + d.userId;
  var live = window.RembukLive, el = live.el, newKey = live.newKey;
  var outbox = live.loadOutbox(outboxKey);

  function saveOutbox() { live.saveOutbox(outboxKey, outbox); }
  function showNotice(text) { notice.textContent = text || ""; notice.hidden = !text; }
  function timeOf(iso) {
    try { return new Date(iso).toLocaleString(document.documentElement.lang || undefined, { dateStyle: "short", timeStyle: "short" }); }
    catch (e) { return iso; }
  }

  function render(m) {
    if (document.getElementById("cmsg-" + m.seq)) { return; }
    var li = el("li");
    li.id = "cmsg-" + m.seq;
    li.dataset.seq = m.seq;
    li.appendChild(el("strong", null, m.author || "–"));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(el("small", null, timeOf(m.created_at)));
    li.appendChild(el("br"));
    li.appendChild(el("span", "channel-body", m.body));
    var next = null;  // keep seq order even when broadcasts arrive out of order
    Array.prototype.some.call(list.children, function (child) {
      if (parseInt(child.dataset.seq, 10) > m.seq) { next = child; return true; }
      return false;
    });
    list.insertBefore(li, next);
    empty.hidden = true;
  }

  function renderPending() {
    Array.prototype.forEach.call(list.querySelectorAll("li.channel-pending"), function (li) { li.remove(); });
    outbox.forEach(function (o) {
      var li = el("li", "channel-pending");
      li.appendChild(el("span", "channel-body", o.body));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("small", null, d.tSending));
      list.appendChild(li);
    });
  }

  var socket = io("/programmes", { auth: { programme_id: programmeId }, reconnectionDelayMax: 10000 });
  var joining = false;

  function join() {
    joining = true;
    socket.emit("join", { programme_id: programmeId, last_seq: lastSeq }, function (ack) {
      joining = false;
      if (!ack || !ack.ok) { showNotice(ack && ack.message); return; }
      if (ack.last_seq > lastSeq) { join(); return; }  // a long absence: the replay comes in pages
      flush();
    });
  }

  var inflight = {};
  function flush() {
    outbox.slice().forEach(function (o) {
      if (inflight[o.key]) { return; }
      inflight[o.key] = true;
      socket.timeout(15000).emit("send", { programme_id: programmeId, body: o.body, client_key: o.key }, function (err, ack) {
        delete inflight[o.key];
        if (err) { return; }  // no answer: kept in the outbox, re-sent after the next (re)join
        if (ack && (ack.ok || ack.code === "invalid" || ack.code === "forbidden")) {
          outbox = outbox.filter(function (x) { return x.key !== o.key; });
          saveOutbox();
          renderPending();
        }
        if (ack && !ack.ok) { showNotice(ack.message); }
      });
    });
  }

  socket.on("connect", function () {
    conn.textContent = d.tOnline;
    join();
  });
  socket.on("disconnect", function (reason) {
    conn.textContent = d.tOffline;
    // the server closed it: this person's organisation left, or the session ended
    if (reason === "io server disconnect") { conn.textContent = ""; showNotice(d.tClosed); }
  });
  socket.on("connect_error", function (err) {
    conn.textContent = d.tOffline;
    if (err && err.data && err.data.message) { showNotice(err.data.message); }
  });
  socket.on("message", function (m) {
    if (m.programme_id !== programmeId) { return; }
    if (m.seq > lastSeq + 1 && !joining) { join(); }
    render(m);
    if (m.seq > lastSeq) { lastSeq = m.seq; }
    list.scrollTop = list.scrollHeight;
  });

  socket.on("presence", function (p) {
    if (p.programme_id !== programmeId) { return; }
    var box = document.getElementById("channel-presence");
    box.textContent = box.dataset.label + " " + p.people.map(function (x) { return x.name; }).join(", ");
    box.hidden = p.people.length === 0;
  });

  form.addEventListener("submit", function (event) {
    if (!socket.connected) { return; }  // the plain form post works without the socket
    event.preventDefault();
    var text = body.value.trim();
    if (!text) { body.focus(); return; }
    showNotice("");
    outbox.push({ key: newKey(), body: text });
    saveOutbox();
    renderPending();
    body.value = "";
    flush();
  });
  renderPending();
})();
