/* What the live clients share (FGD room, programme channel): elements with text content only
 * (never innerHTML), client keys for idempotent sends, and the outbox kept in localStorage
 * until the server acknowledges a message. Loaded (deferred) before those scripts. */
window.RembukLive = (function () {
  "use strict";
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function loadOutbox(key) {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function saveOutbox(key, items) {
    try { localStorage.setItem(key, JSON.stringify(items)); } catch (e) { /* private mode */ }
  }
  return { el: el, newKey: newKey, loadOutbox: loadOutbox, saveOutbox: saveOutbox };
}());
