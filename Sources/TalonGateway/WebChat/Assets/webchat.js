/* Talon WebChat: a small vanilla-JS client for the gateway WebSocket protocol (v4, v3 accepted).
 *
 * Flow: open ws://<host>/ → server event connect.challenge → req connect → res hello-ok →
 * chat.history + sessions.list → chat.send / chat.abort, with `chat` and `agent` events streaming back.
 * Model output is only ever rendered with textContent.
 *
 * The Control UI panels (control.js) share this connection through window.talonGateway and the window events
 * `talon:hello` (detail: the hello-ok payload), `talon:closed`, `talon:event` (detail: {event, payload}) and
 * `talon:sessions` (detail: {sessions}). */
(function () {
  "use strict";

  var CLIENT_VERSION = "0.1.0";
  var TOKEN_KEY = "talon.token";
  var SESSION_KEY = "talon.session";
  var RPC_TIMEOUT_MS = 30000;
  var CHALLENGE_WAIT_MS = 2000;
  var BACKOFF_MIN_MS = 1000;
  var BACKOFF_MAX_MS = 30000;
  var HISTORY_LIMIT = 200;
  var DEFAULT_SESSION = "agent:main:main";
  // The Control UI asks for every operator scope; the gateway grants what the credentials allow
  // (a token gets them all, a trusted-proxy user what the platform role gives).
  var OPERATOR_SCOPES = ["operator.admin", "operator.read", "operator.write", "operator.approvals", "operator.pairing"];
  var DEFAULT_MODEL_HINT =
    "No model configured: set OPENAI_API_KEY or ANTHROPIC_API_KEY, or configure models.providers and " +
    "agents.defaults.model in openclaw.json, then restart the gateway.";

  // ---------- small helpers ----------

  function $(id) { return document.getElementById(id); }

  function store(key, value) {
    try {
      if (value === null || value === undefined || value === "") window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
    } catch (e) { /* storage disabled: keep it in memory only */ }
  }
  function load(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  function randomId() {
    var c = window.crypto;
    if (c && typeof c.randomUUID === "function") {
      try { return c.randomUUID(); } catch (e) { /* insecure context */ }
    }
    var bytes = new Uint8Array(16);
    if (c && c.getRandomValues) c.getRandomValues(bytes);
    else for (var i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function pretty(value) {
    if (value === undefined) return "";
    if (typeof value === "string") return value;
    try { return JSON.stringify(value, null, 2); } catch (e) { return String(value); }
  }

  /** Text of a message whose content is a string or an array of parts ({type:"text", text}). */
  function messageText(message) {
    if (!message) return "";
    var content = message.content;
    if (typeof content === "string") return content;
    if (typeof message.text === "string" && !Array.isArray(content)) return message.text;
    if (!Array.isArray(content)) return "";
    var out = "";
    for (var i = 0; i < content.length; i++) {
      var part = content[i];
      if (typeof part === "string") out += part;
      else if (part && (part.type === "text" || part.type === "output_text") && typeof part.text === "string") out += part.text;
    }
    return out;
  }

  // ---------- state ----------

  var ui = {
    status: $("status"), statusText: $("status-text"), select: $("session-select"), newSession: $("new-session"),
    modelBanner: $("model-banner"), errorBanner: $("error-banner"), authForm: $("auth-form"),
    authReason: $("auth-reason"), tokenInput: $("token-input"), messages: $("messages"),
    form: $("composer-form"), composer: $("composer"), send: $("send"), stop: $("stop")
  };

  var state = {
    ws: null,
    connected: false,
    connectSent: false,
    connectReqId: null,
    challengeTimer: null,
    reconnectTimer: null,
    watchdogTimer: null,
    backoffMs: BACKOFF_MIN_MS,
    authBlocked: false,          // a connect was refused for auth: wait for the user's token
    token: null,
    tickIntervalMs: 15000,
    lastFrameAt: 0,
    sawTick: false,              // the watchdog is armed only once the server has shown it sends ticks
    pending: {},                 // req id → {resolve, reject, timer}
    sessionKey: load(SESSION_KEY) || null,
    defaultSessionKey: DEFAULT_SESSION,
    knownSessions: [],
    runs: {},                    // runId → {bubble, text, done}
    activeRuns: {},              // runId → true, runs of the current session still going
    historyGen: 0,
    lateNodes: null,             // nodes added while chat.history is in flight (kept when it lands)
    hello: null                  // the last hello-ok payload
  };

  function emit(name, detail) {
    try {
      window.dispatchEvent(new CustomEvent(name, { detail: detail }));
    } catch (e) {
      console.warn("talon: " + name + " listener failed:", e);
    }
  }

  // ---------- token from #token=… / localStorage ----------

  (function readToken() {
    var hash = window.location.hash || "";
    if (hash.length > 1) {
      var params = new URLSearchParams(hash.slice(1));
      var t = params.get("token");
      if (t) {
        store(TOKEN_KEY, t);
        params.delete("token");
        var rest = params.toString();
        try {
          window.history.replaceState(null, "", window.location.pathname + window.location.search + (rest ? "#" + rest : ""));
        } catch (e) { /* ignore */ }
      }
      var s = params.get("session");
      if (s) { state.sessionKey = s; store(SESSION_KEY, s); }
    }
    state.token = load(TOKEN_KEY);
  })();

  // ---------- status / banners ----------

  var STATE_LABELS = {
    connecting: "Connecting…", connected: "Connected", disconnected: "Disconnected",
    "auth-required": "Token required", error: "Error"
  };

  function setStatus(s, detail) {
    ui.status.setAttribute("data-state", s);
    ui.statusText.textContent = detail ? STATE_LABELS[s] + " — " + detail : STATE_LABELS[s];
    updateComposer();
  }

  function showError(text) {
    if (!text) { ui.errorBanner.hidden = true; ui.errorBanner.textContent = ""; return; }
    ui.errorBanner.textContent = text;
    ui.errorBanner.hidden = false;
  }

  function showModelBanner(model) {
    if (model && model.configured === false) {
      var hint = (typeof model.hint === "string" && model.hint.trim()) ? model.hint.trim() : DEFAULT_MODEL_HINT;
      ui.modelBanner.textContent = /no model/i.test(hint) ? hint : "No model configured. " + hint;
      ui.modelBanner.hidden = false;
    } else {
      ui.modelBanner.hidden = true;
      ui.modelBanner.textContent = "";
    }
  }

  function hasActiveRun() {
    for (var k in state.activeRuns) if (Object.prototype.hasOwnProperty.call(state.activeRuns, k)) return true;
    return false;
  }

  function updateComposer() {
    ui.send.disabled = !state.connected || ui.composer.value.trim() === "";
    ui.stop.hidden = !hasActiveRun();
    ui.stop.disabled = !state.connected;
    ui.newSession.disabled = !state.connected;
    ui.select.hidden = ui.select.options.length === 0;
  }

  // ---------- WebSocket transport ----------

  function wsUrl() {
    return (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + "/";
  }

  function connect() {
    clearTimeout(state.reconnectTimer);
    state.reconnectTimer = null;
    if (state.ws) return;
    state.connectSent = false;
    state.connectReqId = null;
    state.sawTick = false;
    setStatus("connecting");
    var ws;
    try {
      ws = new WebSocket(wsUrl());
    } catch (e) {
      scheduleReconnect();
      return;
    }
    state.ws = ws;
    ws.onopen = function () {
      state.lastFrameAt = Date.now();
      // The server speaks first (connect.challenge); fall back to connecting without it.
      state.challengeTimer = setTimeout(function () { if (state.ws === ws) sendConnect(null); }, CHALLENGE_WAIT_MS);
    };
    ws.onmessage = function (ev) {
      if (state.ws !== ws) return;
      state.lastFrameAt = Date.now();
      var frame;
      try { frame = JSON.parse(ev.data); } catch (e) { console.warn("talon: bad frame", e); return; }
      handleFrame(frame);
    };
    ws.onerror = function () { /* onclose follows */ };
    ws.onclose = function (ev) {
      if (state.ws !== ws) return;
      onClosed(ev);
    };
  }

  function onClosed(ev) {
    state.ws = null;
    var wasConnected = state.connected;
    state.connected = false;
    clearTimeout(state.challengeTimer);
    clearInterval(state.watchdogTimer);
    state.watchdogTimer = null;
    Object.keys(state.pending).forEach(function (id) {
      var p = state.pending[id];
      clearTimeout(p.timer);
      p.reject(new Error("connection closed"));
    });
    state.pending = {};
    if (wasConnected) emit("talon:closed", {});
    // Runs cannot be followed across a reconnect (events are not replayed); the history reload shows the end.
    state.activeRuns = {};
    Object.keys(state.runs).forEach(function (runId) { finishBubble(state.runs[runId], "interrupted"); });
    if (state.authBlocked) {
      setStatus("auth-required");
      return;
    }
    var reason = ev && ev.code ? "code " + ev.code + (ev.reason ? ": " + ev.reason : "") : "";
    setStatus("disconnected", reason);
    if (wasConnected) state.backoffMs = BACKOFF_MIN_MS;
    scheduleReconnect();
  }

  function scheduleReconnect() {
    if (state.reconnectTimer || state.authBlocked) return;
    var delay = state.backoffMs;
    state.backoffMs = Math.min(state.backoffMs * 2, BACKOFF_MAX_MS);
    state.reconnectTimer = setTimeout(function () { state.reconnectTimer = null; connect(); }, delay);
  }

  function sendFrame(frame) {
    if (!state.ws || state.ws.readyState !== WebSocket.OPEN) return false;
    state.ws.send(JSON.stringify(frame));
    return true;
  }

  function request(method, params) {
    return new Promise(function (resolve, reject) {
      var id = randomId();
      var frame = { type: "req", id: id, method: method };
      if (params !== undefined) frame.params = params;
      if (!sendFrame(frame)) { reject(new Error("not connected")); return; }
      var timer = setTimeout(function () {
        delete state.pending[id];
        reject(new Error(method + " timed out"));
      }, RPC_TIMEOUT_MS);
      state.pending[id] = { resolve: resolve, reject: reject, timer: timer };
    });
  }

  function rpcError(error) {
    var e = new Error((error && error.message) || "request failed");
    e.code = error && error.code;
    e.details = error && error.details;
    return e;
  }

  function sendConnect(nonce) {
    if (state.connectSent) return;
    state.connectSent = true;
    clearTimeout(state.challengeTimer);
    var params = {
      minProtocol: 3,
      maxProtocol: 4,
      client: { id: "webchat-ui", displayName: "Talon Control UI", version: CLIENT_VERSION, platform: "web", mode: "webchat" },
      role: "operator",
      scopes: OPERATOR_SCOPES.slice()
    };
    if (state.token) params.auth = { token: state.token };
    var id = randomId();
    state.connectReqId = id;
    void nonce; // the nonce only matters for device-signed connects, which the WebChat does not do
    sendFrame({ type: "req", id: id, method: "connect", params: params });
  }

  function handleFrame(frame) {
    if (!frame || typeof frame !== "object") return;
    if (frame.type === "event") {
      if (frame.event === "connect.challenge") {
        sendConnect(frame.payload && frame.payload.nonce);
        return;
      }
      if (state.connected) handleEvent(frame.event, frame.payload || {});
      return;
    }
    if (frame.type === "res") {
      if (frame.id && frame.id === state.connectReqId) {
        state.connectReqId = null;
        if (frame.ok) onHello(frame.payload || {});
        else onConnectRefused(frame.error || {});
        return;
      }
      var p = state.pending[frame.id];
      if (!p) return;
      delete state.pending[frame.id];
      clearTimeout(p.timer);
      if (frame.ok) p.resolve(frame.payload === undefined ? {} : frame.payload);
      else p.reject(rpcError(frame.error));
    }
  }

  function isAuthError(error) {
    var code = (error.details && (error.details.code || error.details.reason)) || "";
    return /^AUTH_/.test(code) || code === "PAIRING_REQUIRED" || error.code === "UNAUTHORIZED" ||
      (error.code === "FORBIDDEN" && /auth|token|unauthori[sz]ed/i.test(error.message || ""));
  }

  function onConnectRefused(error) {
    var code = (error.details && error.details.code) || error.code || "ERROR";
    if (isAuthError(error)) {
      state.authBlocked = true;
      ui.authReason.textContent = code === "AUTH_TOKEN_MISMATCH" || code === "AUTH_DEVICE_TOKEN_MISMATCH"
        ? "The saved token was rejected by the gateway (" + code + ")."
        : "This gateway needs a token (" + code + ").";
      ui.authForm.hidden = false;
      ui.tokenInput.value = "";
      ui.tokenInput.focus();
      setStatus("auth-required");
      showError("");
    } else {
      var msg = "Connect failed: " + (error.message || code) + " (" + code + ")";
      if (code === "PROTOCOL_MISMATCH") msg += ". This page speaks protocol 3–4; the gateway needs another version.";
      showError(msg);
      setStatus("error", code);
    }
    // The server closes the socket after a refused connect; make sure it happens.
    if (state.ws) { try { state.ws.close(1000, "connect refused"); } catch (e) { /* ignore */ } }
  }

  function onHello(hello) {
    state.connected = true;
    state.authBlocked = false;
    state.backoffMs = BACKOFF_MIN_MS;
    ui.authForm.hidden = true;
    showError("");
    var snapshot = hello.snapshot || {};
    var defaults = snapshot.sessionDefaults || {};
    state.defaultSessionKey = defaults.mainSessionKey || DEFAULT_SESSION;
    if (!state.sessionKey) state.sessionKey = state.defaultSessionKey;
    showModelBanner(snapshot.model);
    var policy = hello.policy || {};
    if (policy.tickIntervalMs > 0) state.tickIntervalMs = policy.tickIntervalMs;
    startWatchdog();
    var server = hello.server || {};
    setStatus("connected");
    ui.status.title = "Protocol " + (hello.protocol || "?") + (server.version ? ", gateway " + server.version : "") +
      (server.connId ? ", connection " + server.connId : "");
    state.hello = hello;
    refreshSessions();
    loadHistory();
    emit("talon:hello", hello);
  }

  /** Close with 4000 after two tick intervals without any frame, like the reference client. */
  function startWatchdog() {
    clearInterval(state.watchdogTimer);
    state.watchdogTimer = setInterval(function () {
      if (state.ws && state.sawTick && Date.now() - state.lastFrameAt > 2 * state.tickIntervalMs) {
        try { state.ws.close(4000, "tick timeout"); } catch (e) { /* ignore */ }
      }
    }, Math.max(1000, Math.floor(state.tickIntervalMs / 2)));
  }

  // ---------- events ----------

  function handleEvent(name, payload) {
    emit("talon:event", { event: name, payload: payload });
    if (name === "chat") onChatEvent(payload);
    else if (name === "agent") onAgentEvent(payload);
    else if (name === "tick") state.sawTick = true;
    else if (name === "sessions.changed") refreshSessionsSoon();
    else if (name === "shutdown") setStatus("connecting", "gateway restarting");
    // tick, presence, health, heartbeat, …: nothing to show.
  }

  function isCurrentSession(payload) {
    return !payload.sessionKey || payload.sessionKey === state.sessionKey;
  }

  function onChatEvent(p) {
    if (!isCurrentSession(p)) {
      if (p.state === "final") refreshSessionsSoon();
      return;
    }
    var runId = p.runId || "run";
    var run = state.runs[runId];
    switch (p.state) {
      case "delta": {
        run = ensureRun(runId);
        if (run.done) return;
        state.activeRuns[runId] = true;
        var cumulative = p.message ? messageText(p.message) : null;
        if (p.replace && cumulative !== null) run.text = cumulative;
        else if (typeof p.deltaText === "string") run.text += p.deltaText;
        else if (cumulative !== null) run.text = cumulative;
        // The cumulative message is authoritative (covers dropped or replaced deltas).
        if (cumulative && cumulative !== run.text && cumulative.length >= run.text.length) run.text = cumulative;
        var stick = isNearBottom();
        run.textNode.textContent = run.text;
        run.bubble.setAttribute("data-streaming", "true");
        if (stick) scrollToEnd(true);
        break;
      }
      case "final": {
        run = ensureRun(runId);
        var finalText = p.message ? messageText(p.message) : "";
        if (finalText || !run.text) run.text = finalText || run.text;
        run.textNode.textContent = run.text;
        if (!run.text) run.textNode.textContent = "(no reply)";
        if (p.stopReason && p.stopReason !== "stop" && p.stopReason !== "end_turn" && p.stopReason !== "endTurn") {
          run.bubble.setAttribute("data-stop-reason", String(p.stopReason));
        }
        finishBubble(run, null);
        endRun(runId);
        refreshSessionsSoon();
        break;
      }
      case "aborted": {
        if (run) finishBubble(run, "stopped");
        else addNote("Run stopped.");
        if (run) run.bubble.setAttribute("data-aborted", "true");
        endRun(runId);
        break;
      }
      case "error": {
        if (run) finishBubble(run, null);
        var kind = p.errorKind && p.errorKind !== "unknown" ? " (" + p.errorKind + ")" : "";
        addError((p.errorMessage || "The run failed.") + kind);
        endRun(runId);
        break;
      }
      default:
        break;
    }
  }

  function onAgentEvent(p) {
    if (!isCurrentSession(p)) return;
    var data = p.data || {};
    if (p.stream === "tool") {
      onToolEvent(p.runId, data);
    } else if (p.stream === "lifecycle") {
      if (data.phase === "start" && p.runId) {
        state.activeRuns[p.runId] = true;
        updateComposer();
      } else if ((data.phase === "end" || data.phase === "error") && p.runId) {
        // The chat final/error normally ends the run; this is the safety net if it never comes.
        var runId = p.runId;
        setTimeout(function () {
          if (state.activeRuns[runId]) {
            var run = state.runs[runId];
            if (run) finishBubble(run, null);
            endRun(runId);
          }
        }, 3000);
      }
    }
  }

  function onToolEvent(runId, data) {
    var callId = data.toolCallId || data.id || (runId + ":" + (data.name || "tool"));
    var row = findToolRow(callId);
    var phase = data.phase;
    if (!row) {
      row = makeToolRow(data.name, callId);
      appendToMessages(row);
    }
    if (data.name && !row.getAttribute("data-tool-name")) setToolName(row, data.name);
    if (phase === "start") {
      if (data.args !== undefined) setToolSection(row, "args", "Arguments", data.args);
      setToolState(row, "running", "running…");
    } else if (phase === "update") {
      if (data.partialResult !== undefined) setToolSection(row, "result", "Result (partial)", data.partialResult);
    } else if (phase === "result" || phase === "end") {
      if (data.args !== undefined && !row.querySelector('[data-part="args"]')) setToolSection(row, "args", "Arguments", data.args);
      setToolSection(row, "result", data.isError ? "Error" : "Result", data.result);
      setToolState(row, data.isError ? "error" : "done", data.isError ? "failed" : "done");
    }
    scrollToEnd();
  }

  // ---------- rendering ----------

  function isNearBottom() {
    var m = ui.messages;
    return m.scrollHeight - m.scrollTop - m.clientHeight < 80;
  }
  function scrollToEnd(force) {
    if (force || isNearBottom()) ui.messages.scrollTop = ui.messages.scrollHeight;
  }

  function clearEmptyNote() {
    var empty = ui.messages.querySelector(".empty");
    if (empty) empty.remove();
  }

  function appendToMessages(node) {
    clearEmptyNote();
    var stick = isNearBottom();
    ui.messages.appendChild(node);
    if (state.lateNodes) state.lateNodes.push(node);
    if (stick) scrollToEnd(true);
  }

  function makeBubble(role, text) {
    var bubble = el("div", "msg " + role);
    bubble.setAttribute("data-role", role);
    var textNode = el("div", "text", text || "");
    bubble.appendChild(textNode);
    return { bubble: bubble, textNode: textNode };
  }

  function addUserMessage(text) {
    var b = makeBubble("user", text);
    appendToMessages(b.bubble);
    scrollToEnd(true);
    return b.bubble;
  }

  function addAssistantMessage(text, final) {
    var b = makeBubble("assistant", text);
    if (final) b.bubble.setAttribute("data-final", "true");
    appendToMessages(b.bubble);
    return b;
  }

  function addError(text) {
    var node = el("div", "msg error", text);
    node.setAttribute("role", "alert");
    appendToMessages(node);
    scrollToEnd(true);
  }

  function addNote(text) {
    appendToMessages(el("div", "msg note", text));
  }

  function ensureRun(runId) {
    var run = state.runs[runId];
    if (!run) {
      var b = addAssistantMessage("", false);
      b.bubble.setAttribute("data-run-id", runId);
      b.bubble.setAttribute("data-streaming", "true");
      run = { bubble: b.bubble, textNode: b.textNode, text: "", done: false };
      state.runs[runId] = run;
    }
    return run;
  }

  function finishBubble(run, note) {
    if (!run || run.done) return;
    run.done = true;
    run.bubble.setAttribute("data-streaming", "false");
    run.bubble.setAttribute("data-final", "true");
    if (note) run.bubble.appendChild(el("span", "note", "(" + note + ")"));
  }

  function endRun(runId) {
    delete state.activeRuns[runId];
    updateComposer();
  }

  function findToolRow(callId) {
    var rows = ui.messages.querySelectorAll(".tool-call");
    for (var i = 0; i < rows.length; i++) if (rows[i].getAttribute("data-tool-call-id") === callId) return rows[i];
    return null;
  }

  function makeToolRow(name, callId) {
    var row = el("details", "tool-call");
    row.setAttribute("data-tool-call-id", callId || "");
    var summary = el("summary");
    summary.appendChild(el("span", "tool-prefix", "Tool "));
    summary.appendChild(el("span", "tool-name", name || "tool"));
    summary.appendChild(el("span", "tool-state", ""));
    row.appendChild(summary);
    row.appendChild(el("div", "tool-body"));
    if (name) row.setAttribute("data-tool-name", name);
    return row;
  }

  function setToolName(row, name) {
    row.setAttribute("data-tool-name", name);
    row.querySelector(".tool-name").textContent = name;
  }

  function setToolState(row, s, label) {
    row.setAttribute("data-state", s);
    row.querySelector(".tool-state").textContent = label;
  }

  function setToolSection(row, part, label, value) {
    var body = row.querySelector(".tool-body");
    var section = body.querySelector('[data-part="' + part + '"]');
    if (!section) {
      section = el("div");
      section.setAttribute("data-part", part);
      section.appendChild(el("div", "tool-label", label));
      section.appendChild(el("pre"));
      body.appendChild(section);
    }
    section.querySelector(".tool-label").textContent = label;
    section.querySelector("pre").textContent = pretty(value);
  }

  function renderHistory(messages) {
    ui.messages.textContent = "";
    if (!messages || messages.length === 0) {
      ui.messages.appendChild(el("p", "empty", "No messages yet. Say hello."));
      return;
    }
    for (var i = 0; i < messages.length; i++) {
      var m = messages[i] || {};
      var role = m.role;
      if (role === "user") {
        var userText = messageText(m);
        if (userText) addUserMessage(userText);
      } else if (role === "assistant") {
        renderAssistantHistory(m);
      } else if (role === "tool" || role === "toolResult") {
        var callId = m.toolCallId || ("history-" + i);
        var row = findToolRow(callId) || makeToolRow(m.toolName || m.name, callId);
        if (!row.parentNode) appendToMessages(row);
        if (m.toolName && !row.getAttribute("data-tool-name")) setToolName(row, m.toolName);
        setToolSection(row, "result", m.isError ? "Error" : "Result", messageText(m) || m.content);
        setToolState(row, m.isError ? "error" : "done", m.isError ? "failed" : "done");
      }
    }
    scrollToEnd(true);
  }

  function renderAssistantHistory(m) {
    var text = messageText(m);
    if (text) addAssistantMessage(text, true);
    // Tool calls stored inside an assistant message ({type:"toolCall"|"tool_use", id, name, arguments|input}).
    if (Array.isArray(m.content)) {
      m.content.forEach(function (part) {
        if (!part || (part.type !== "toolCall" && part.type !== "tool_use" && part.type !== "tool_call")) return;
        var row = makeToolRow(part.name, part.id || part.toolCallId || "");
        var args = part.arguments !== undefined ? part.arguments : part.input;
        if (args !== undefined) setToolSection(row, "args", "Arguments", args);
        appendToMessages(row);
      });
    }
  }

  // ---------- sessions ----------

  function sessionLabel(s) {
    var label = s.displayName || s.label || s.key;
    if (s.key === state.defaultSessionKey && !s.displayName) label = "main (" + s.key + ")";
    return label;
  }

  function renderSessionOptions() {
    var keys = {};
    var list = state.knownSessions.slice();
    list.forEach(function (s) { keys[s.key] = true; });
    if (state.sessionKey && !keys[state.sessionKey]) list.unshift({ key: state.sessionKey });
    ui.select.textContent = "";
    list.forEach(function (s) {
      var opt = el("option", null, sessionLabel(s));
      opt.value = s.key;
      if (s.model) opt.title = s.key + " — " + s.model;
      else opt.title = s.key;
      ui.select.appendChild(opt);
    });
    ui.select.value = state.sessionKey;
    updateComposer();
  }

  function refreshSessions() {
    renderSessionOptions();
    return request("sessions.list", { limit: 50 }).then(function (res) {
      state.knownSessions = (res && Array.isArray(res.sessions) ? res.sessions : []).filter(function (s) { return s && s.key; });
      renderSessionOptions();
      emit("talon:sessions", { sessions: state.knownSessions.slice() });
    }, function (err) {
      console.warn("talon: sessions.list failed:", err.message);
    });
  }

  var refreshTimer = null;
  function refreshSessionsSoon() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () { if (state.connected) refreshSessions(); }, 400);
  }

  function loadHistory() {
    var gen = ++state.historyGen;
    var key = state.sessionKey;
    var late = state.lateNodes = [];
    ui.messages.setAttribute("data-history", "loading");
    function land(render) {
      state.lateNodes = null;
      ui.messages.setAttribute("data-history", "loaded");
      // Keep what was added while the request was in flight (a message sent right after connecting,
      // its streaming reply, tool rows) and runs that are still streaming: neither is in the answer.
      var keep = late.slice();
      var runs = {};
      Object.keys(state.runs).forEach(function (runId) {
        var run = state.runs[runId];
        if (!run.done || keep.indexOf(run.bubble) >= 0) {
          runs[runId] = run;
          if (keep.indexOf(run.bubble) < 0) keep.push(run.bubble);
        }
      });
      render();
      state.runs = runs;
      if (keep.length) clearEmptyNote();
      keep.forEach(function (node) { ui.messages.appendChild(node); });
      scrollToEnd(true);
    }
    return request("chat.history", { sessionKey: key, limit: HISTORY_LIMIT }).then(function (res) {
      if (gen !== state.historyGen || key !== state.sessionKey) return;
      land(function () { renderHistory(res && res.messages); });
    }, function (err) {
      if (gen !== state.historyGen) return;
      land(function () {
        ui.messages.textContent = "";
        if (err.message !== "connection closed") addError("Could not load history: " + err.message);
      });
    });
  }

  function switchSession(key) {
    if (!key || key === state.sessionKey) return;
    state.sessionKey = key;
    store(SESSION_KEY, key);
    state.runs = {};
    state.activeRuns = {};
    state.lateNodes = null;
    state.historyGen++;
    ui.messages.textContent = "";
    renderSessionOptions();
    if (state.connected) loadHistory();
  }

  /** "New session": a fresh key agent:main:webchat:<random>, so earlier conversations stay in the picker.
   *  sessions.reset on that key makes the gateway create its entry right away. */
  function newSession() {
    var agentId = (state.defaultSessionKey.split(":")[1]) || "main";
    var key = "agent:" + agentId + ":webchat:" + randomId().replace(/-/g, "").slice(0, 12);
    state.knownSessions.unshift({ key: key, displayName: "New session " + new Date().toLocaleTimeString() });
    switchSession(key);
    request("sessions.reset", { key: key }).then(function () { refreshSessionsSoon(); }, function (err) {
      console.warn("talon: sessions.reset failed (the session is created by the first message):", err.message);
    });
    ui.composer.focus();
  }

  // ---------- sending ----------

  function sendMessage() {
    var text = ui.composer.value;
    if (!text.trim() || !state.connected) return;
    ui.composer.value = "";
    updateComposer();
    addUserMessage(text);
    var key = state.sessionKey;
    request("chat.send", { sessionKey: key, message: text, idempotencyKey: randomId() }).then(function (res) {
      if (res && res.runId && key === state.sessionKey) {
        var run = state.runs[res.runId];
        if (!run || !run.done) state.activeRuns[res.runId] = true;
        updateComposer();
      }
    }, function (err) {
      addError("Send failed: " + err.message + (err.code ? " (" + err.code + ")" : ""));
    });
  }

  function stopRun() {
    var ids = Object.keys(state.activeRuns);
    var params = { sessionKey: state.sessionKey };
    if (ids.length === 1) params.runId = ids[0];
    ui.stop.disabled = true;
    request("chat.abort", params).then(function (res) {
      if (res && res.aborted === false) {
        // Nothing was running on the server: clear the local state.
        ids.forEach(function (id) {
          var run = state.runs[id];
          if (run) finishBubble(run, null);
          endRun(id);
        });
      }
    }, function (err) {
      addError("Stop failed: " + err.message);
    }).then(updateComposer);
  }

  // ---------- wiring ----------

  ui.form.addEventListener("submit", function (ev) { ev.preventDefault(); sendMessage(); });
  ui.composer.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing && ev.keyCode !== 229) {
      ev.preventDefault();
      sendMessage();
    }
  });
  ui.composer.addEventListener("input", updateComposer);
  ui.stop.addEventListener("click", stopRun);
  ui.newSession.addEventListener("click", newSession);
  ui.select.addEventListener("change", function () { switchSession(ui.select.value); });
  ui.authForm.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var t = ui.tokenInput.value.trim();
    if (!t) return;
    state.token = t;
    store(TOKEN_KEY, t);
    ui.tokenInput.value = "";
    ui.authForm.hidden = true;
    state.authBlocked = false;
    state.backoffMs = BACKOFF_MIN_MS;
    if (state.ws) { try { state.ws.close(); } catch (e) { /* ignore */ } state.ws = null; }
    connect();
  });
  window.addEventListener("online", function () { if (!state.ws && !state.authBlocked) connect(); });

  // Test/diagnostic hook (read-only view of the connection state).
  window.talonWebChat = {
    get state() { return ui.status.getAttribute("data-state"); },
    get sessionKey() { return state.sessionKey; }
  };

  // What the Control UI panels (control.js) use: the same socket, token and session state.
  window.talonGateway = {
    request: request,
    get connected() { return state.connected; },
    /** The shared secret the page connects with (null behind the trusted proxy or when none was given). */
    get token() { return state.token; },
    get hello() { return state.hello; },
    get authMode() { return (state.hello && state.hello.snapshot && state.hello.snapshot.authMode) || null; },
    get scopes() { return (state.hello && state.hello.auth && state.hello.auth.scopes) || []; },
    get sessionKey() { return state.sessionKey; },
    get defaultSessionKey() { return state.defaultSessionKey; },
    /** Shows `key` in Chat (loads its history). */
    openSession: function (key) {
      if (!key) return;
      if (key === state.sessionKey) {
        if (state.connected && ui.messages.getAttribute("data-history") !== "loading") loadHistory();
        return;
      }
      switchSession(key);
    },
    refreshSessions: function () { if (state.connected) refreshSessions(); },
    focusComposer: function () { try { ui.composer.focus(); } catch (e) { /* ignore */ } }
  };

  renderSessionOptions();
  connect();
})();
