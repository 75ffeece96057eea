/* Talon Control UI: the operator panels around the WebChat (sessions, Connect MCTL, MCP servers, channels,
 * pairing requests, incidents). Vanilla JS, no build step; it shares webchat.js's WebSocket through
 * window.talonGateway. Everything coming from the gateway is rendered with textContent.
 *
 * Navigation keeps the page: the current panel lives in the address fragment (#panel=pairing; Chat has none), so
 * reloads and the back button work. The page is the same at / and /overview; the MCTL OAuth redirect lands on
 * /overview?mctl_oauth=1&code=…&state=…, which completes the connection and then cleans the address. */
(function () {
  "use strict";

  var gw = window.talonGateway;
  if (!gw) { console.warn("talon: control.js needs webchat.js"); return; }

  var PANELS = {
    chat: "Chat", sessions: "Sessions", mctl: "Connect MCTL", mcp: "MCP", channels: "Channels",
    pairing: "Pairing", incidents: "Incidents"
  };
  var POLL_MS = 15000;
  var SESSIONS_LIMIT = 100;
  var INCIDENTS_LIMIT = 50;

  // ---------- helpers ----------

  function $(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function section(name) { return document.querySelector('section[data-panel="' + name + '"]'); }

  function toDate(value) {
    if (value === null || value === undefined || value === "") return null;
    var d = typeof value === "number" ? new Date(value) : new Date(String(value));
    return isNaN(d.getTime()) ? null : d;
  }

  function relative(d) {
    var diff = d.getTime() - Date.now();
    var future = diff > 0;
    var s = Math.abs(diff) / 1000;
    var text;
    if (s < 45) return future ? "in a few seconds" : "just now";
    if (s < 90) text = "1 min";
    else if (s < 3600) text = Math.round(s / 60) + " min";
    else if (s < 5400) text = "1 hour";
    else if (s < 86400) text = Math.round(s / 3600) + " hours";
    else if (s < 172800) text = "1 day";
    else if (s < 30 * 86400) text = Math.round(s / 86400) + " days";
    else return d.toLocaleDateString();
    return future ? "in " + text : text + " ago";
  }

  /** A <time> showing "3 min ago" with the full date as its title. */
  function timeNode(value, prefix) {
    var d = toDate(value);
    if (!d) return el("span", null, "—");
    var t = el("time", null, (prefix || "") + relative(d));
    t.setAttribute("datetime", d.toISOString());
    t.title = d.toLocaleString();
    return t;
  }

  function absoluteTime(value) {
    var d = toDate(value);
    return d ? d.toLocaleString() : "—";
  }

  function safeHttpUrl(value) {
    if (typeof value !== "string") return null;
    try {
      var u = new URL(value, window.location.href);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) { return null; }
  }

  function addFact(dl, label, value) {
    if (value === null || value === undefined || value === "") return;
    dl.appendChild(el("dt", null, label));
    var dd = el("dd");
    if (value instanceof Node) dd.appendChild(value);
    else dd.textContent = String(value);
    dl.appendChild(dd);
  }

  function badge(text, tone) {
    var b = el("span", "badge", text);
    if (tone) b.setAttribute("data-tone", tone);
    return b;
  }

  function toneFor(stateText) {
    var s = String(stateText || "").toLowerCase();
    if (/^(connected|serving|running|ready|ok|up|live|pr_created|merged|resolved|fixed|done)$/.test(s)) return "ok";
    if (/(fail|error|crash|dead|refused|rejected|expired|unavailable|invalid)/.test(s)) return "bad";
    if (/(pending|connecting|starting|restart|backoff|waiting|claimed|needs_human|conflict)/.test(s)) return "pending";
    return null;
  }

  /** How a failed request is explained in a panel: {kind: forbidden|unavailable|offline|error, text}. */
  function describeError(err, what) {
    var code = err && err.code;
    var details = (err && err.details) || {};
    var message = (err && err.message) || "request failed";
    if (code === "FORBIDDEN") {
      var scope = details.missingScope || (Array.isArray(details.requiredScopes) ? details.requiredScopes.join(", ") : "");
      var text = "Forbidden: " + what + " needs the " + (scope ? "“" + scope + "” scope" : "right permissions") +
        ", which this connection does not have.";
      if (scope === "mctl.owner") text += " Only a platform owner (or an operator admin) can connect or disconnect MCTL.";
      else if (scope === "operator.admin") text += " Ask a platform owner.";
      return { kind: "forbidden", text: text + " (FORBIDDEN" + (details.code ? ", " + details.code : "") + ")" };
    }
    if ((code === "INVALID_REQUEST" || code === "UNKNOWN_METHOD" || code === "NOT_IMPLEMENTED") && /unknown method|not implemented|unsupported/i.test(message)) {
      return { kind: "unavailable", text: "Not available: this gateway does not offer " + what + " yet." };
    }
    if (message === "not connected" || message === "connection closed") {
      return { kind: "offline", text: "Not connected to the gateway; this panel refreshes once it is." };
    }
    return { kind: "error", text: what + " failed: " + message + (code ? " (" + code + ")" : "") };
  }

  // ---------- panel notes and state ----------

  function setNote(panel, kind, text) {
    var note = document.querySelector('[data-note="' + panel + '"]');
    if (!note) return;
    if (!text) { note.hidden = true; note.textContent = ""; note.removeAttribute("data-kind"); return; }
    note.textContent = text;
    note.setAttribute("data-kind", kind || "info");
    note.hidden = false;
  }

  function setPanelStatus(panel, status) {
    var sec = section(panel);
    if (sec) sec.setAttribute("data-status", status);
  }

  function setMessage(id, kind, text) {
    var node = $(id);
    if (!node) return;
    if (!text) { node.hidden = true; node.textContent = ""; node.removeAttribute("data-kind"); return; }
    node.textContent = text;
    node.setAttribute("data-kind", kind || "info");
    node.hidden = false;
  }

  var lastRender = {};   // panel → JSON of what is on screen (skip identical re-renders while polling)
  var inflight = {};     // panel → true while loading
  var again = {};        // panel → a load was asked for while one was in flight

  function changed(panel, data, force) {
    var json;
    try { json = JSON.stringify(data); } catch (e) { json = String(Math.random()); }
    if (!force && lastRender[panel] === json) return false;
    lastRender[panel] = json;
    return true;
  }

  /** A WebSocket call for a panel: resolves with the payload, or null after showing why it failed. */
  function call(panel, method, params, what) {
    return gw.request(method, params).then(function (payload) {
      setNote(panel, null);
      return payload || {};
    }, function (err) {
      var d = describeError(err, what || method);
      setNote(panel, d.kind, d.text);
      setPanelStatus(panel, d.kind);
      lastRender[panel] = null;
      return null;
    });
  }

  var loaders = {
    sessions: loadSessions, mctl: loadMctl, mcp: loadMcp, channels: loadChannels, pairing: loadPairing,
    incidents: loadIncidents
  };
  var needsSocket = { sessions: true, mctl: true, mcp: true, channels: true, pairing: true };

  function load(panel, force) {
    var loader = loaders[panel];
    if (!loader) return;
    if (needsSocket[panel] && !gw.connected) {
      setPanelStatus(panel, "offline");
      if (!section(panel) || section(panel).getAttribute("data-loaded") !== "true") {
        setNote(panel, "offline", "Waiting for the gateway connection…");
      }
      return;
    }
    if (inflight[panel]) { again[panel] = true; return; }
    inflight[panel] = true;
    var sec = section(panel);
    if (sec) sec.setAttribute("data-loading", "true");
    var done = function () {
      inflight[panel] = false;
      if (sec) sec.removeAttribute("data-loading");
      if (again[panel]) { again[panel] = false; load(panel, force); }
    };
    var p;
    try { p = loader(!!force); } catch (e) { console.warn("talon: loading " + panel + " failed:", e); p = null; }
    Promise.resolve(p).then(done, function (e) { console.warn("talon: loading " + panel + " failed:", e); done(); });
  }

  function markLoaded(panel) {
    var sec = section(panel);
    if (sec) sec.setAttribute("data-loaded", "true");
    setPanelStatus(panel, "ready");
  }

  function emptyRow(list, text) {
    var li = el("li", "card empty-row", text);
    list.appendChild(li);
  }

  // ---------- navigation ----------

  var navItems = Array.prototype.slice.call(document.querySelectorAll("[data-nav]"));
  var navToggle = $("nav-toggle");
  var navCurrent = $("nav-current");
  var current = null;

  function hashParams() { return new URLSearchParams((window.location.hash || "").replace(/^#/, "")); }

  function panelFromLocation() {
    var p = hashParams().get("panel");
    return p && Object.prototype.hasOwnProperty.call(PANELS, p) ? p : "chat";
  }

  function writePanelToUrl(name, push) {
    var params = hashParams();
    if (name === "chat") params.delete("panel");
    else params.set("panel", name);
    var rest = params.toString();
    var url = window.location.pathname + window.location.search + (rest ? "#" + rest : "");
    if (url === window.location.pathname + window.location.search + window.location.hash) return;
    try { window.history[push ? "pushState" : "replaceState"](null, "", url); } catch (e) { /* ignore */ }
  }

  function setMenu(open) {
    document.body.classList.toggle("nav-open", !!open);
    navToggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function showPanel(name, opts) {
    opts = opts || {};
    if (!Object.prototype.hasOwnProperty.call(PANELS, name)) name = "chat";
    var changedPanel = current !== name;
    current = name;
    document.body.setAttribute("data-panel", name);
    Array.prototype.forEach.call(document.querySelectorAll("section[data-panel]"), function (sec) {
      sec.hidden = sec.getAttribute("data-panel") !== name;
    });
    navItems.forEach(function (b) {
      if (b.getAttribute("data-nav") === name) b.setAttribute("aria-current", "page");
      else b.removeAttribute("aria-current");
    });
    navCurrent.textContent = PANELS[name];
    document.title = name === "chat" ? "Talon Control" : PANELS[name] + " · Talon Control";
    setMenu(false);
    if (opts.url !== false) writePanelToUrl(name, !!opts.push);
    if (name !== "chat" && (changedPanel || opts.reload)) load(name, false);
  }

  navItems.forEach(function (b) {
    b.addEventListener("click", function () {
      var name = b.getAttribute("data-nav");
      if (name === current) { setMenu(false); if (name !== "chat") load(name, true); return; }
      showPanel(name, { push: true });
    });
  });
  navToggle.addEventListener("click", function () { setMenu(!document.body.classList.contains("nav-open")); });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && document.body.classList.contains("nav-open")) { setMenu(false); navToggle.focus(); }
  });
  document.addEventListener("click", function (ev) {
    if (!document.body.classList.contains("nav-open")) return;
    if (navToggle.contains(ev.target) || $("nav").contains(ev.target)) return;
    setMenu(false);
  });
  window.addEventListener("popstate", function () { showPanel(panelFromLocation(), { url: false }); });
  window.addEventListener("hashchange", function () {
    var p = panelFromLocation();
    if (p !== current) showPanel(p, { url: false });
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-refresh]"), function (b) {
    b.addEventListener("click", function () { load(b.getAttribute("data-refresh"), true); });
  });

  // ---------- Sessions ----------

  function loadSessions(force) {
    return call("sessions", "sessions.list", { limit: SESSIONS_LIMIT }, "sessions.list").then(function (res) {
      if (!res) return;
      var list = (Array.isArray(res.sessions) ? res.sessions : []).filter(function (s) { return s && s.key; });
      list.sort(function (a, b) { return (Number(b.updatedAt) || 0) - (Number(a.updatedAt) || 0); });
      renderSessions(list, force);
      markLoaded("sessions");
    });
  }

  function renderSessions(list, force) {
    var currentKey = gw.sessionKey;
    if (!changed("sessions", { list: list, currentKey: currentKey }, force)) return;
    var ul = $("sessions-list");
    ul.textContent = "";
    if (list.length === 0) { emptyRow(ul, "No sessions yet. Say hello in Chat."); return; }
    list.forEach(function (s) {
      var li = el("li");
      var b = el("button", "card session-open");
      b.type = "button";
      b.setAttribute("data-session-key", s.key);
      if (s.key === currentKey) b.setAttribute("aria-current", "true");
      var head = el("div", "card-head");
      var label = s.displayName || s.label;
      head.appendChild(el("span", "card-title", label ? label : s.key));
      if (s.key === gw.defaultSessionKey) head.appendChild(badge("main", null));
      if (s.key === currentKey) head.appendChild(badge("current", "ok"));
      b.appendChild(head);
      var sub = el("div", "sub");
      if (label) sub.appendChild(el("span", "mono", s.key + " · "));
      sub.appendChild(document.createTextNode("updated "));
      sub.appendChild(timeNode(s.updatedAt));
      if (s.model) sub.appendChild(document.createTextNode(" · model " + s.model));
      b.appendChild(sub);
      b.addEventListener("click", function () {
        gw.openSession(s.key);
        showPanel("chat", { push: true });
      });
      li.appendChild(b);
      ul.appendChild(li);
    });
  }

  var sessionsTimer = null;
  function sessionsSoon() {
    if (current !== "sessions") return;
    clearTimeout(sessionsTimer);
    sessionsTimer = setTimeout(function () { if (current === "sessions") load("sessions", false); }, 500);
  }

  // ---------- Connect MCTL ----------

  var MCTL_LABELS = { connected: "Connected", pending: "Pending", expired: "Expired", disconnected: "Not connected" };
  var mctlConnect = $("mctl-connect");
  var mctlDisconnect = $("mctl-disconnect");

  /** The OAuth redirect back from MCTL: /overview?mctl_oauth=1&code=…&state=… (or error=…). */
  var oauthReturn = (function () {
    var q = new URLSearchParams(window.location.search || "");
    if (q.get("mctl_oauth") !== "1") return null;
    return {
      code: q.get("code"), state: q.get("state"), error: q.get("error"),
      errorDescription: q.get("error_description"), handled: false
    };
  })();

  function mctlStateOf(st) {
    if (st && typeof st.state === "string" && MCTL_LABELS[st.state]) return st.state;
    if (st && st.connected) return "connected";
    if (st && st.pending) return "pending";
    return "disconnected";
  }

  function renderMctl(st) {
    var s = mctlStateOf(st);
    var login = st && typeof st.login === "string" && st.login ? st.login : null;
    var statusEl = $("mctl-status");
    var badgeEl = $("mctl-badge");
    var text;
    if (s === "connected") text = login ? "connected as " + login : "connected";
    else if (s === "pending") text = "waiting for the MCTL authorization to complete";
    else if (s === "expired") text = "the access token expired and could not be refreshed" + (login ? " (login " + login + ")" : "") + "; connect again";
    else text = "not connected";
    statusEl.textContent = text;
    statusEl.setAttribute("data-state", s);
    if (login) statusEl.setAttribute("data-login", login);
    else statusEl.removeAttribute("data-login");
    badgeEl.textContent = MCTL_LABELS[s];
    badgeEl.setAttribute("data-state", s);
    badgeEl.setAttribute("data-tone", s === "connected" ? "ok" : s === "disconnected" ? "" : s === "pending" ? "pending" : "bad");
    var dl = $("mctl-details");
    dl.textContent = "";
    addFact(dl, "API", st && st.apiBase);
    addFact(dl, "Login", login);
    if (st && st.expiresAt) addFact(dl, s === "expired" ? "Expired" : "Token expires", timeNode(st.expiresAt));
    if (st && st.updatedAt) addFact(dl, "Updated", absoluteTime(st.updatedAt));
    if (st && st.startedAt && s === "pending") addFact(dl, "Started", timeNode(st.startedAt));
    mctlConnect.title = s === "connected" || s === "expired" ? "Run the MCTL sign-in again (replaces the stored connection)" : "";
    mctlDisconnect.hidden = s === "disconnected";
    section("mctl").setAttribute("data-mctl-state", s);
  }

  function renderMctlUnknown(reason) {
    var statusEl = $("mctl-status");
    statusEl.textContent = reason || "status unknown";
    statusEl.setAttribute("data-state", "unknown");
    statusEl.removeAttribute("data-login");
    $("mctl-badge").textContent = "Unknown";
    $("mctl-badge").setAttribute("data-state", "unknown");
    $("mctl-badge").removeAttribute("data-tone");
    $("mctl-details").textContent = "";
  }

  function loadMctl() {
    return call("mctl", "mctl.connect.status", undefined, "mctl.connect.status").then(function (st) {
      if (!st) { renderMctlUnknown("status unknown"); return; }
      renderMctl(st);
      markLoaded("mctl");
    });
  }

  function startMctl() {
    setMessage("mctl-message", null);
    var redirectUri = window.location.origin + "/overview?mctl_oauth=1";
    mctlConnect.disabled = true;
    gw.request("mctl.connect.start", { redirectUri: redirectUri }).then(function (res) {
      var url = safeHttpUrl(res && res.authorizeUrl);
      if (!url) throw { message: "the gateway returned no usable authorizeUrl", code: "INVALID_RESPONSE" };
      setMessage("mctl-message", "info", "Opening the MCTL sign-in…");
      window.location.assign(url);
      // If the navigation is refused (or the user comes back), do not leave the button dead.
      setTimeout(function () { mctlConnect.disabled = false; }, 5000);
    }).catch(function (err) {
      mctlConnect.disabled = false;
      setMessage("mctl-message", "error", describeError(err, "Connect MCTL (mctl.connect.start)").text);
    });
  }

  function disconnectMctl() {
    setMessage("mctl-message", null);
    mctlDisconnect.disabled = true;
    gw.request("mctl.connect.disconnect", {}).then(function () {
      setMessage("mctl-message", "ok", "MCTL disconnected.");
    }, function (err) {
      setMessage("mctl-message", "error", describeError(err, "Disconnect (mctl.connect.disconnect)").text);
    }).then(function () {
      mctlDisconnect.disabled = false;
      load("mctl", true);
    });
  }

  function cleanOAuthUrl() {
    var params = hashParams();
    params.set("panel", "mctl");
    try { window.history.replaceState(null, "", window.location.pathname + "#" + params.toString()); } catch (e) { /* ignore */ }
  }

  /** Runs once, when the page was opened by the MCTL redirect and the socket is up. */
  function completeOAuthReturn() {
    if (!oauthReturn || oauthReturn.handled || !gw.connected) return;
    oauthReturn.handled = true;
    var r = oauthReturn;
    var finish = function () { cleanOAuthUrl(); if (current !== "mctl") showPanel("mctl", { url: false }); load("mctl", true); };
    if (r.error) {
      setMessage("mctl-message", "error", "MCTL authorization failed: " + r.error + (r.errorDescription ? " — " + r.errorDescription : "") + ".");
      finish();
      return;
    }
    if (!r.code || !r.state) {
      setMessage("mctl-message", "error", "The MCTL redirect carried no authorization code or state; start the connection again.");
      finish();
      return;
    }
    setMessage("mctl-message", "info", "Completing the MCTL connection…");
    gw.request("mctl.connect.complete", { code: r.code, state: r.state }).then(function (st) {
      if (st && (st.state || st.connected !== undefined)) renderMctl(st);
      var login = st && st.login;
      setMessage("mctl-message", "ok", login ? "MCTL connected as " + login + "." : "MCTL connected.");
    }, function (err) {
      setMessage("mctl-message", "error", describeError(err, "Completing the MCTL connection (mctl.connect.complete)").text);
    }).then(finish);
  }

  mctlConnect.addEventListener("click", startMctl);
  mctlDisconnect.addEventListener("click", disconnectMctl);

  // ---------- MCP ----------

  function loadMcp(force) {
    return call("mcp", "mcp.status", undefined, "mcp.status").then(function (res) {
      if (!res) return;
      var servers = Array.isArray(res.servers) ? res.servers : [];
      if (changed("mcp", servers, force)) renderMcp(servers);
      markLoaded("mcp");
    });
  }

  function renderMcp(servers) {
    var ul = $("mcp-list");
    ul.textContent = "";
    if (servers.length === 0) { emptyRow(ul, "No MCP servers configured (mcp.servers in openclaw.json)."); return; }
    servers.forEach(function (s) {
      s = s || {};
      var li = el("li", "card");
      li.setAttribute("data-mcp-server", s.name || "");
      var head = el("div", "card-head");
      head.appendChild(el("span", "card-title", s.name || "(unnamed)"));
      head.appendChild(badge(s.state || "unknown", toneFor(s.state)));
      li.appendChild(head);
      var tools = Array.isArray(s.tools) ? s.tools : [];
      li.appendChild(el("div", "sub", (s.transport || "unknown transport") + " · " + tools.length + (tools.length === 1 ? " tool" : " tools")));
      if (tools.length) {
        var chips = el("ul", "chips");
        tools.forEach(function (t) {
          var name = typeof t === "string" ? t : (t && t.name) || "?";
          var chip = el("li", "chip", name);
          if (t && typeof t === "object" && t.description) chip.title = t.description;
          chips.appendChild(chip);
        });
        li.appendChild(chips);
      }
      if (s.error) li.appendChild(el("p", "failure", String(s.error)));
      ul.appendChild(li);
    });
  }

  // ---------- Channels ----------

  function loadChannels(force) {
    return call("channels", "channels.status", undefined, "channels.status").then(function (res) {
      if (!res) return;
      var list = Array.isArray(res.channels) ? res.channels : [];
      if (changed("channels", list, force)) renderChannels(list);
      markLoaded("channels");
    });
  }

  function renderChannels(list) {
    var ul = $("channels-list");
    ul.textContent = "";
    if (list.length === 0) { emptyRow(ul, "No channels configured (channels.telegram in openclaw.json)."); return; }
    list.forEach(function (c) {
      c = c || {};
      var li = el("li", "card");
      li.setAttribute("data-channel", c.channel || "");
      li.setAttribute("data-account", c.accountId || "");
      li.setAttribute("data-state", c.state || "");
      var head = el("div", "card-head");
      head.appendChild(el("span", "card-title", (c.channel || "channel") + " · " + (c.accountId || "default")));
      head.appendChild(badge(c.state || "unknown", toneFor(c.state)));
      li.appendChild(head);
      var dl = el("dl", "facts");
      addFact(dl, "Bot", c.bot || "—");
      addFact(dl, "Mode", c.mode);
      li.appendChild(dl);
      if (c.failure) li.appendChild(el("p", "failure", String(c.failure)));
      ul.appendChild(li);
    });
  }

  // ---------- Pairing ----------

  var pairingCount = $("pairing-count");
  var pairingCountBlocked = false;

  function showPairingCount(n) {
    if (n > 0) { pairingCount.textContent = String(n); pairingCount.hidden = false; pairingCount.title = n + " pending"; }
    else { pairingCount.hidden = true; pairingCount.textContent = ""; }
  }

  function loadPairing(force) {
    return call("pairing", "pairing.list", {}, "pairing.list").then(function (res) {
      if (!res) { showPairingCount(0); return; }
      var list = Array.isArray(res.requests) ? res.requests : [];
      showPairingCount(list.length);
      if (changed("pairing", list, force)) renderPairing(list);
      markLoaded("pairing");
    });
  }

  /** Quiet background check for the count on the Pairing tab. */
  function checkPairingCount() {
    if (pairingCountBlocked || !gw.connected || current === "pairing") return;
    gw.request("pairing.list", {}).then(function (res) {
      showPairingCount(res && Array.isArray(res.requests) ? res.requests.length : 0);
    }, function (err) {
      if (err && err.code) pairingCountBlocked = true;   // forbidden or unavailable: stop asking
      showPairingCount(0);
    });
  }

  function renderPairing(list) {
    var ul = $("pairing-list");
    ul.textContent = "";
    if (list.length === 0) { emptyRow(ul, "No pending pairing requests."); return; }
    list.forEach(function (r) {
      r = r || {};
      var li = el("li", "card");
      li.setAttribute("data-pairing-code", r.code || "");
      li.setAttribute("data-channel", r.channel || "");
      var head = el("div", "card-head");
      head.appendChild(el("span", "card-title code", r.code || "?"));
      head.appendChild(badge(r.channel || "channel", null));
      li.appendChild(head);
      var dl = el("dl", "facts");
      var who = r.senderName ? r.senderName + (r.senderId ? " (" + r.senderId + ")" : "") : (r.senderId || "—");
      addFact(dl, "Sender", who);
      addFact(dl, "Account", r.accountId);
      addFact(dl, "Requested", timeNode(r.createdAt));
      addFact(dl, "Expires", timeNode(r.expiresAt));
      li.appendChild(dl);
      var actions = el("div", "actions");
      var approve = el("button", "primary", "Approve");
      approve.type = "button";
      approve.setAttribute("data-approve-code", r.code || "");
      approve.setAttribute("data-approve-channel", r.channel || "");
      approve.setAttribute("aria-label", "Approve " + (r.code || "") + " from " + who);
      approve.addEventListener("click", function () { approvePairing(r, approve); });
      actions.appendChild(approve);
      li.appendChild(actions);
      ul.appendChild(li);
    });
  }

  function approvePairing(r, button) {
    button.disabled = true;
    button.textContent = "Approving…";
    setMessage("pairing-message", null);
    gw.request("pairing.approve", { channel: r.channel || "telegram", code: r.code }).then(function (res) {
      var a = (res && res.approved) || r;
      var who = a.senderName || r.senderName || a.senderId || r.senderId || "the sender";
      setMessage("pairing-message", "ok", "Approved " + (r.code || "") + ": " + who + " can talk to the assistant on " + (a.channel || r.channel || "the channel") + " now.");
    }, function (err) {
      var d = err && err.code === "NOT_FOUND"
        ? { text: "Code " + r.code + " is no longer pending (expired or already approved)." }
        : describeError(err, "Approving " + r.code + " (pairing.approve)");
      setMessage("pairing-message", "error", d.text);
    }).then(function () { load("pairing", true); });
  }

  // ---------- Incidents (HTTP: GET /api/incidents) ----------

  function incidentHeaders() {
    var headers = { Accept: "application/json" };
    // Behind the trusted proxy the proxy's identity headers authenticate; a shared secret goes as a bearer.
    if (gw.token && gw.authMode !== "trusted-proxy") headers.Authorization = "Bearer " + gw.token;
    return headers;
  }

  function loadIncidents(force) {
    return fetch("/api/incidents?limit=" + INCIDENTS_LIMIT, {
      headers: incidentHeaders(), credentials: "same-origin", cache: "no-store"
    }).then(function (resp) {
      return resp.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
        return { resp: resp, body: body };
      });
    }).then(function (r) {
      var body = r.body || {};
      if (r.resp.ok && body.ok !== false && Array.isArray(body.incidents)) {
        setNote("incidents", null);
        if (changed("incidents", body.incidents, force)) renderIncidents(body.incidents);
        markLoaded("incidents");
        return;
      }
      var error = body.error || {};
      var kind = "error";
      var text;
      if (r.resp.status === 401) {
        text = "Not authorized to read incidents: " + (gw.token ? "the gateway rejected the token." : "the gateway needs its token (open the page with #token=…).");
      } else if (r.resp.status === 403) {
        kind = "forbidden";
        text = describeError({ code: "FORBIDDEN", message: error.message, details: error.details }, "GET /api/incidents").text;
      } else if (r.resp.status === 404) {
        kind = "unavailable";
        text = "Not available: this gateway has no incidents endpoint.";
      } else if (r.resp.status === 429) {
        text = "Too many failed authentication attempts; try again later.";
      } else {
        text = "Loading incidents failed: HTTP " + r.resp.status + (error.message ? " — " + error.message : "");
      }
      setNote("incidents", kind, text);
      setPanelStatus("incidents", kind);
      lastRender.incidents = null;
    }, function (err) {
      setNote("incidents", "error", "Loading incidents failed: " + ((err && err.message) || "network error"));
      setPanelStatus("incidents", "error");
      lastRender.incidents = null;
    });
  }

  function incidentState(i) {
    if (i.result && i.result.status) return { label: String(i.result.status), tone: toneFor(i.result.status) };
    if (i.claimConflict) return { label: "claim conflict (409)", tone: "pending" };
    if (i.claim) return { label: "claimed", tone: "pending" };
    return { label: "received", tone: null };
  }

  function renderIncidents(list) {
    var ul = $("incidents-list");
    ul.textContent = "";
    if (list.length === 0) { emptyRow(ul, "No incidents yet."); return; }
    list.forEach(function (i) {
      i = i || {};
      var li = el("li", "card");
      li.setAttribute("data-incident", i.ticketId || "");
      li.setAttribute("data-event-id", i.eventId || "");
      var st = incidentState(i);
      li.setAttribute("data-state", st.label);
      var head = el("div", "card-head");
      head.appendChild(el("span", "card-title", "Ticket " + (i.ticketId || "—")));
      head.appendChild(badge(st.label, st.tone));
      li.appendChild(head);
      var where = [i.team, i.service].filter(function (x) { return x; }).join(" / ");
      li.appendChild(el("div", "sub", (i.eventType || "event") + (where ? " · " + where : "")));
      var dl = el("dl", "facts");
      addFact(dl, "Event", i.eventType);
      var claim = i.claim
        ? "claimed, lease " + (i.claim.leaseId || "?") + (i.claim.expiresAt ? " (until " + absoluteTime(i.claim.expiresAt) + ")" : "")
        : i.claimConflict ? "refused: already claimed (409)" : "not claimed";
      addFact(dl, "Claim", claim);
      addFact(dl, "Result", i.result ? i.result.status : "—");
      var pr = i.result && i.result.prUrl;
      if (pr) {
        var href = safeHttpUrl(pr);
        var node;
        if (href) {
          node = el("a", "pr-link", i.result.prNumber ? "PR #" + i.result.prNumber : pr);
          node.href = href;
          node.target = "_blank";
          node.rel = "noopener noreferrer";
          node.title = pr;
        } else {
          node = el("span", "mono", pr);
        }
        addFact(dl, "Pull request", node);
      }
      addFact(dl, "Received", absoluteTime(i.receivedAt));
      if (i.updatedAt && i.updatedAt !== i.receivedAt) addFact(dl, "Updated", absoluteTime(i.updatedAt));
      addFact(dl, "Run", i.runId);
      li.appendChild(dl);
      if (i.result && i.result.summary) li.appendChild(el("p", "summary", i.result.summary));
      ul.appendChild(li);
    });
  }

  // ---------- wiring to the socket ----------

  window.addEventListener("talon:hello", function () {
    lastRender = {};
    pairingCountBlocked = false;
    var completing = !!(oauthReturn && !oauthReturn.handled);
    if (completing) completeOAuthReturn();   // reloads the Connect MCTL panel when it is done
    if (current && current !== "chat" && !(completing && current === "mctl")) load(current, true);
    checkPairingCount();
  });
  window.addEventListener("talon:closed", function () {
    if (current && needsSocket[current]) setPanelStatus(current, "offline");
  });
  window.addEventListener("talon:event", function (ev) {
    var name = ev.detail && ev.detail.event;
    if (name === "sessions.changed") sessionsSoon();
    else if (name === "chat" && ev.detail.payload && ev.detail.payload.state === "final") sessionsSoon();
  });
  window.addEventListener("talon:sessions", sessionsSoon);
  window.addEventListener("resize", function () {
    if (window.innerWidth > 640 && document.body.classList.contains("nav-open")) setMenu(false);
  });

  setInterval(function () {
    if (document.hidden) return;
    if (current && current !== "chat" && (gw.connected || !needsSocket[current])) load(current, false);
    checkPairingCount();
  }, POLL_MS);

  // Test/diagnostic hook.
  window.talonControl = {
    get panel() { return current; },
    show: function (name) { showPanel(name, { push: true }); }
  };

  // ---------- start ----------

  if (oauthReturn) {
    showPanel("mctl", { url: false });
    setMessage("mctl-message", "info", oauthReturn.error ? "MCTL authorization was not granted." : "Completing the MCTL connection…");
    completeOAuthReturn();
  } else {
    showPanel(panelFromLocation(), { url: false });
  }
})();
