// Embeddable web-chat widget. Include with
//   <script src="https://<host>/webchat/widget.js" data-widget-id="<widget id>" async></script>
// Plain browser JavaScript, no dependencies: the page that embeds it need not build anything.
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script) return;
  var widgetId = script.getAttribute('data-widget-id');
  if (!widgetId) {
    console.error('[web chat] data-widget-id is missing on the widget script tag');
    return;
  }
  var base = new URL(script.src, location.href);
  var socketUrl = (base.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + base.host + '/webchat/ws?widget=' + encodeURIComponent(widgetId);
  var storageKey = 'cc-webchat:' + widgetId;

  // Survives reloads: the session, the last message seen, and messages not yet acknowledged.
  var state = load();
  var socket = null;
  var retryMs = 500;
  var messages = {}; // seq -> message
  var pendingOrder = Object.keys(state.pending);
  var lastAgentSeqRead = 0;
  var typingTimer = null;
  var typingSent = false;

  function load() {
    try {
      var saved = JSON.parse(localStorage.getItem(storageKey) || '{}');
      return { sessionToken: saved.sessionToken, lastSeq: saved.lastSeq || 0, pending: saved.pending || {}, messages: saved.messages || [] };
    } catch (e) {
      return { lastSeq: 0, pending: {}, messages: [] };
    }
  }
  function save() {
    var kept = [];
    Object.keys(messages).map(Number).sort(function (a, b) { return a - b; }).forEach(function (seq) { kept.push(messages[seq]); });
    localStorage.setItem(storageKey, JSON.stringify({ sessionToken: state.sessionToken, lastSeq: state.lastSeq, pending: state.pending, messages: kept.slice(-200) }));
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  var style = el('style');
  style.textContent =
    '#cc-webchat{position:fixed;right:16px;bottom:16px;width:320px;max-height:480px;display:flex;flex-direction:column;' +
    'font:14px system-ui,sans-serif;background:#fff;border:1px solid #ccd;border-radius:8px;box-shadow:0 4px 16px rgba(0,0,0,.15);z-index:2147483000}' +
    '#cc-webchat header{padding:8px 12px;background:#234;color:#fff;border-radius:8px 8px 0 0}' +
    '#cc-webchat .cc-log{flex:1;overflow-y:auto;padding:8px;min-height:160px}' +
    '#cc-webchat .cc-msg{margin:4px 0;padding:6px 8px;border-radius:6px;max-width:80%;white-space:pre-wrap;word-wrap:break-word}' +
    '#cc-webchat .cc-customer{background:#dfe9ff;margin-left:auto}#cc-webchat .cc-agent{background:#eee}' +
    '#cc-webchat .cc-status,#cc-webchat .cc-note{font-size:12px;color:#667;padding:0 8px}' +
    '#cc-webchat form{display:flex;gap:4px;padding:8px;border-top:1px solid #eee}#cc-webchat form.cc-prechat{flex-direction:column}' +
    '#cc-webchat input{flex:1;padding:6px}#cc-webchat [hidden]{display:none!important}';
  document.head.appendChild(style);

  var root = el('div', { id: 'cc-webchat', role: 'region', 'aria-label': 'Chat' });
  var header = el('header', {}, 'Chat with us');
  var status = el('div', { class: 'cc-status', 'data-testid': 'cc-connection', 'aria-live': 'polite' }, 'Connecting…');
  var queueNote = el('div', { class: 'cc-note', 'data-testid': 'cc-queue', 'aria-live': 'polite' });
  var log = el('div', { class: 'cc-log', 'data-testid': 'cc-log', 'aria-live': 'polite' });
  var typing = el('div', { class: 'cc-note', 'data-testid': 'cc-typing' });
  var readNote = el('div', { class: 'cc-note', 'data-testid': 'cc-read' });

  var prechat = el('form', { class: 'cc-prechat', 'data-testid': 'cc-prechat' });
  var nameInput = el('input', { name: 'name', placeholder: 'Your name', required: '', maxlength: '200', autocomplete: 'name' });
  var emailInput = el('input', { name: 'email', type: 'email', placeholder: 'Your e-mail', required: '', autocomplete: 'email' });
  var startButton = el('button', { type: 'submit' }, 'Start chat');
  prechat.appendChild(nameInput);
  prechat.appendChild(emailInput);
  prechat.appendChild(startButton);

  var composer = el('form', { 'data-testid': 'cc-composer', hidden: '' });
  var textInput = el('input', { name: 'text', placeholder: 'Type a message', maxlength: '4000', autocomplete: 'off' });
  var sendButton = el('button', { type: 'submit' }, 'Send');
  composer.appendChild(textInput);
  composer.appendChild(sendButton);

  [header, status, queueNote, log, typing, readNote, prechat, composer].forEach(function (node) { root.appendChild(node); });
  document.body.appendChild(root);

  state.messages.forEach(function (m) { show(m); });
  pendingOrder.forEach(function (id) { showPending(id, state.pending[id]); });

  function transmit(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function connect() {
    socket = new WebSocket(socketUrl);
    socket.onopen = function () {
      retryMs = 500;
      status.textContent = 'Connected';
      transmit({ type: 'hello', sessionToken: state.sessionToken, lastSeq: state.lastSeq });
    };
    socket.onmessage = function (event) { receive(JSON.parse(event.data)); };
    socket.onclose = function () {
      status.textContent = 'Reconnecting…';
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  }

  function receive(frame) {
    switch (frame.type) {
      case 'welcome':
        state.sessionToken = frame.sessionToken;
        save();
        if (frame.prechatRequired) {
          prechat.hidden = false;
          composer.hidden = true;
        } else {
          prechat.hidden = true;
          composer.hidden = false;
          resendPending();
        }
        break;
      case 'prechat-ok':
        prechat.hidden = true;
        composer.hidden = false;
        resendPending();
        break;
      case 'ack':
        delete state.pending[frame.clientMessageId];
        var pendingNode = log.querySelector('[data-client-id="' + frame.clientMessageId + '"]');
        if (pendingNode) pendingNode.remove();
        accept(frame);
        break;
      case 'message':
        if (frame.clientMessageId && state.pending[frame.clientMessageId]) {
          delete state.pending[frame.clientMessageId];
          var replaced = log.querySelector('[data-client-id="' + frame.clientMessageId + '"]');
          if (replaced) replaced.remove();
        }
        accept(frame);
        if (frame.from === 'agent') typing.textContent = '';
        markRead();
        break;
      case 'typing':
        typing.textContent = frame.on ? 'Agent is typing…' : '';
        break;
      case 'read':
        readNote.textContent = 'Read';
        break;
      case 'queue':
        queueNote.textContent =
          frame.position > 0
            ? 'You are number ' + frame.position + ' in the queue' +
              (typeof frame.estimatedWaitSeconds === 'number' ? ', about ' + Math.max(1, Math.round(frame.estimatedWaitSeconds / 60)) + ' min' : '')
            : '';
        break;
      case 'agent-joined':
        queueNote.textContent = frame.agentName + ' joined the chat';
        break;
      case 'closed':
        queueNote.textContent = 'The conversation has ended';
        break;
      case 'error':
        if (frame.code === 'PRECHAT_REQUIRED') {
          prechat.hidden = false;
          composer.hidden = true;
        } else if (frame.code === 'RATE_LIMITED' || frame.code === 'UNAVAILABLE') {
          setTimeout(resendPending, 2000);
        }
        status.textContent = frame.message;
        break;
    }
    save();
  }

  function accept(message) {
    if (messages[message.seq]) return;
    messages[message.seq] = { seq: message.seq, messageId: message.messageId, from: message.from, text: message.text, at: message.at };
    if (message.seq > state.lastSeq) state.lastSeq = message.seq;
    show(messages[message.seq]);
    if (message.from === 'customer') readNote.textContent = '';
  }

  function show(message) {
    messages[message.seq] = message;
    var node = el('div', { class: 'cc-msg cc-' + message.from, 'data-seq': String(message.seq), 'data-from': message.from }, message.text);
    var after = null;
    Array.prototype.forEach.call(log.querySelectorAll('[data-seq]'), function (other) {
      if (!after && Number(other.getAttribute('data-seq')) > message.seq) after = other;
    });
    log.insertBefore(node, after || log.querySelector('[data-client-id]'));
    log.scrollTop = log.scrollHeight;
  }

  function showPending(clientMessageId, text) {
    log.appendChild(el('div', { class: 'cc-msg cc-customer', 'data-client-id': clientMessageId, 'data-pending': 'true' }, text));
  }

  function resendPending() {
    Object.keys(state.pending).forEach(function (id) { transmit({ type: 'message', clientMessageId: id, text: state.pending[id] }); });
  }

  function markRead() {
    var highest = 0;
    Object.keys(messages).forEach(function (seq) { if (messages[seq].from === 'agent' && Number(seq) > highest) highest = Number(seq); });
    if (highest > lastAgentSeqRead && document.visibilityState === 'visible') {
      lastAgentSeqRead = highest;
      transmit({ type: 'read', upToSeq: highest });
    }
  }
  document.addEventListener('visibilitychange', markRead);

  prechat.addEventListener('submit', function (event) {
    event.preventDefault();
    transmit({ type: 'prechat', name: nameInput.value, email: emailInput.value });
  });

  composer.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = textInput.value.trim();
    if (!text) return;
    var id = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2));
    state.pending[id] = text;
    save();
    showPending(id, text);
    textInput.value = '';
    stopTyping();
    transmit({ type: 'message', clientMessageId: id, text: text });
  });

  function stopTyping() {
    clearTimeout(typingTimer);
    if (typingSent) transmit({ type: 'typing', on: false });
    typingSent = false;
  }
  textInput.addEventListener('input', function () {
    if (!typingSent && textInput.value) typingSent = transmit({ type: 'typing', on: true });
    clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, 3000);
  });

  connect();
})();
