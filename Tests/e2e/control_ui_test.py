#!/usr/bin/env python3
"""End-to-end checks of the Talon Control UI (the WebChat page's operator panels) in headless Chromium.

Loads URL#token=TOKEN, waits for #status[data-state=connected], then runs the checks asked for, each independent:

  --chat MESSAGE --expect TEXT        Chat: send MESSAGE, wait for a final assistant bubble containing TEXT
  --expect-channel TEXT               Channels panel: wait until it shows TEXT (e.g. "telegram", "@my_bot", "serving")
  --expect-incident TICKET            Incidents panel: wait for the incident of ticket TICKET
  --approve-code CODE                 Pairing panel: find the request with CODE, click Approve, wait until it is gone
  --connect-mctl [--expect-login L]   Connect MCTL panel: click "Connect MCTL", follow the real OAuth redirect round trip
                                      (gateway → MCTL authorize → /overview?mctl_oauth=1&code=…&state=…) and wait for
                                      "connected as L" (any login without --expect-login)
  --phone                             run at 390x844 (mobile emulation): the page must not scroll sideways on any panel
                                      visited, and the navigation must work through its menu button

Panels are opened through the page's own navigation ([data-nav=…], behind #nav-toggle at phone width), as a user
would. With no check flag the script only checks that the page connects (and, with --phone, the layout).

The last line on stdout is a JSON summary ({"ok": true|false, ...}); the exit code is 0 on success, 1 on failure
(the message, a screenshot path and the page text are printed) and 2 when selenium/Chromium cannot be started.
Install the dependencies with scripts/e2e-deps.sh.
"""
import argparse
import json
import os
import sys
import tempfile
import time
import urllib.parse

RESULT = {"ok": False, "checks": []}
TOKEN = None
PHONE = (390, 844)


def redact(text):
    if TOKEN and isinstance(text, str):
        return text.replace(TOKEN, "<token>").replace(urllib.parse.quote(TOKEN, safe=""), "<token>")
    return text


def emit(code):
    print(redact(json.dumps(RESULT, sort_keys=True)), flush=True)
    sys.exit(code)


class Failure(Exception):
    pass


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True, help="gateway base URL, e.g. http://127.0.0.1:18789/")
    p.add_argument("--token", default="", help="gateway token (put in the URL fragment #token=…); none behind a trusted proxy")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds for all checks after the browser started")
    p.add_argument("--chat", metavar="MESSAGE", default=None, help="send MESSAGE in Chat")
    p.add_argument("--expect", metavar="TEXT", default=None, help='text the reply must contain (default: "echo: MESSAGE")')
    p.add_argument("--approve-code", metavar="CODE", default=None, help="approve the pairing request with CODE")
    p.add_argument("--connect-mctl", action="store_true", help="run the Connect MCTL OAuth round trip")
    p.add_argument("--expect-login", metavar="LOGIN", default=None, help='with --connect-mctl: wait for "connected as LOGIN"')
    p.add_argument("--expect-channel", metavar="TEXT", action="append", default=[], help="Channels panel shows TEXT (repeatable)")
    p.add_argument("--expect-incident", metavar="TICKET", action="append", default=[], help="Incidents panel lists TICKET (repeatable)")
    p.add_argument("--expect-mcp", metavar="TEXT", action="append", default=[], help="MCP panel shows TEXT, e.g. a server or tool name (repeatable)")
    p.add_argument("--phone", action="store_true", help="phone width (390x844): no horizontal scrolling, menu navigation")
    p.add_argument("--chromium", default=os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium"))
    p.add_argument("--chromedriver", default=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    p.add_argument("--artifacts-dir", default=None, help="where to save the failure screenshot (default: a temp dir)")
    args = p.parse_args()
    if args.expect_login and not args.connect_mctl:
        p.error("--expect-login needs --connect-mctl")
    if args.expect is not None and args.chat is None:
        p.error("--expect needs --chat")
    return args


def page_url(base, token):
    base = base.split("#", 1)[0]
    if not token:
        return base
    return base + "#token=" + urllib.parse.quote(token, safe="")


def start_driver(args):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = args.chromium
    size = "%d,%d" % PHONE if args.phone else "1280,900"
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
              "--window-size=" + size, "--no-first-run", "--no-default-browser-check",
              "--disable-extensions", "--disable-background-networking"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=args.chromedriver), options=opts)
    if args.phone:
        # The layout viewport of a phone: 390 CSS px wide, the page's meta viewport honoured.
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 2, "mobile": True})
        driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})
    return driver


def console_log(driver):
    try:
        return [{"level": e.get("level"), "message": e.get("message")} for e in driver.get_log("browser")]
    except Exception as exc:  # noqa: BLE001 - diagnostics only
        return [{"level": "INFO", "message": "console log unavailable: %s" % exc}]


def js_errors(entries):
    """Uncaught exceptions and syntax errors; network noise (favicon, refused sockets, HTTP 4xx) is not counted."""
    errs = []
    for e in entries:
        msg = e.get("message") or ""
        if e.get("level") == "SEVERE" and ("Uncaught" in msg or "SyntaxError" in msg or "TypeError" in msg
                                          or "ReferenceError" in msg or "Content Security Policy" in msg):
            errs.append(msg)
    return errs


def poll(deadline, what, fn, interval=0.1, on_timeout=None):
    """Calls fn() until it returns a truthy value; Failure on timeout (fn may raise Failure to stop early)."""
    from selenium.common.exceptions import StaleElementReferenceException, NoSuchElementException

    while True:
        try:
            got = fn()
        except (StaleElementReferenceException, NoSuchElementException):
            got = None
        if got:
            return got
        if time.monotonic() >= deadline:
            extra = on_timeout() if on_timeout else ""
            raise Failure("timed out waiting for %s%s" % (what, (": " + extra) if extra else ""))
        time.sleep(interval)


def status_of(driver):
    return driver.execute_script("var s=document.getElementById('status'); return s && s.getAttribute('data-state');")


def wait_connected(driver, deadline):
    def pred():
        s = status_of(driver)
        if s == "auth-required":
            raise Failure("the gateway refused the token (page shows the token form, #status data-state=auth-required)")
        return s == "connected"
    t0 = time.monotonic()
    poll(deadline, "#status[data-state=connected]", pred, on_timeout=lambda: "status is %r" % status_of(driver))
    return int((time.monotonic() - t0) * 1000)


def record(name, **info):
    entry = {"check": name}
    entry.update(info)
    RESULT["checks"].append(entry)


# ---------- page helpers ----------

PANEL_JS = r"""
var name = arguments[0];
var sec = document.querySelector('section[data-panel="' + name + '"]');
if (!sec) return null;
var note = sec.querySelector('.panel-note');
return {
  visible: !sec.hidden && sec.offsetParent !== null,
  status: sec.getAttribute('data-status'),
  loaded: sec.getAttribute('data-loaded') === 'true',
  note: note && !note.hidden ? note.textContent : null,
  noteKind: note && !note.hidden ? note.getAttribute('data-kind') : null,
  text: sec.innerText
};
"""


def panel_info(driver, name):
    return driver.execute_script(PANEL_JS, name) or {}


def check_no_overflow(driver, where):
    m = driver.execute_script(
        "return {sw: document.documentElement.scrollWidth, iw: window.innerWidth,"
        " bw: document.body.scrollWidth, cw: document.documentElement.clientWidth};")
    if m["sw"] > m["iw"] or m["bw"] > m["iw"]:
        wide = driver.execute_script(r"""
            var out = [], w = window.innerWidth;
            document.querySelectorAll('body *').forEach(function (e) {
              var r = e.getBoundingClientRect();
              if (r.width > 0 && r.right > w + 0.5 && out.length < 5)
                out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '') + ' right=' + Math.round(r.right));
            });
            return out;""")
        raise Failure("horizontal scrolling on %s: document scrollWidth %d > innerWidth %d (too wide: %s)"
                      % (where, max(m["sw"], m["bw"]), m["iw"], ", ".join(wide) or "?"))
    # Scrolling containers (a panel, the message list) would hide sideways overflow from the document: check them too.
    inner = driver.execute_script(r"""
        var out = [];
        document.querySelectorAll('.topbar, .nav, section[data-panel], .messages, .composer, .cards, .card').forEach(function (e) {
          if (e.offsetParent === null && getComputedStyle(e).position !== 'fixed') return;
          if (e.scrollWidth > e.clientWidth + 1)
            out.push((e.id ? '#' + e.id : e.tagName.toLowerCase() + '.' + String(e.className).split(' ').join('.'))
                     + ' scrollWidth=' + e.scrollWidth + ' clientWidth=' + e.clientWidth);
        });
        return out;""")
    if inner:
        raise Failure("content wider than its container on %s (it scrolls sideways): %s" % (where, "; ".join(inner[:5])))
    RESULT.setdefault("layout", {})[where] = {"scrollWidth": m["sw"], "innerWidth": m["iw"]}


def open_panel(driver, args, name, deadline):
    """Opens a panel through the navigation, as a user would (the menu button first when the tabs are collapsed)."""
    from selenium.webdriver.common.by import By

    items = driver.find_elements(By.CSS_SELECTOR, '[data-nav="%s"]' % name)
    if not items:
        raise Failure("no navigation entry [data-nav=%r] on the page" % name)
    item = items[0]
    if not item.is_displayed():
        toggles = driver.find_elements(By.ID, "nav-toggle")
        if not toggles or not toggles[0].is_displayed():
            raise Failure("navigation entry %r is hidden and there is no visible menu button (#nav-toggle)" % name)
        toggles[0].click()
        poll(deadline, "the navigation menu to open", item.is_displayed)
    item.click()
    poll(deadline, "panel %r to show" % name, lambda: panel_info(driver, name).get("visible"))
    if args.phone:
        toggles = driver.find_elements(By.ID, "nav-toggle")
        if toggles and toggles[0].get_attribute("aria-expanded") == "true":
            raise Failure("the navigation menu stayed open after choosing %r" % name)
        check_no_overflow(driver, "panel " + name)


def refresh_panel(driver, name):
    from selenium.webdriver.common.by import By

    buttons = driver.find_elements(By.CSS_SELECTOR, '[data-refresh="%s"]' % name)
    if buttons and buttons[0].is_displayed():
        try:
            buttons[0].click()
        except Exception:  # noqa: BLE001 - a re-render may race the click; the next round retries
            pass


def fail_on_blocking_note(driver, name, what):
    info = panel_info(driver, name)
    if info.get("noteKind") in ("forbidden", "unavailable"):
        raise Failure("%s: the %s panel says: %s" % (what, name, info.get("note")))
    return info


def wait_panel_text(driver, name, text, deadline, what, selector=None):
    """Waits until the panel (or an element in it) shows text, pressing its Refresh button now and then."""
    from selenium.webdriver.common.by import By

    last_refresh = [time.monotonic()]

    def pred():
        info = fail_on_blocking_note(driver, name, what)
        if selector:
            for e in driver.find_elements(By.CSS_SELECTOR, selector):
                if text in (e.text or "") or text == (e.get_attribute("data-incident") or ""):
                    return e.text or True
        elif text in (info.get("text") or ""):
            return True
        if time.monotonic() - last_refresh[0] > 3:
            last_refresh[0] = time.monotonic()
            refresh_panel(driver, name)
        return None

    def why():
        info = panel_info(driver, name)
        return "panel note %r, panel text %r" % (info.get("note"), (info.get("text") or "")[:600])

    return poll(deadline, what, pred, interval=0.2, on_timeout=why)


# ---------- checks ----------

OBSERVER_JS = r"""
document.querySelectorAll('.msg, .tool-call').forEach(function (b) { b.setAttribute('data-e2e-old', '1'); });
"""

CHAT_STATE_JS = r"""
var out = { history: null, bubbles: [], errors: [], users: [] };
var m = document.getElementById('messages');
if (m) out.history = m.getAttribute('data-history');
document.querySelectorAll('.msg.assistant:not([data-e2e-old])').forEach(function (b) {
  var t = b.querySelector('.text');
  out.bubbles.push({ text: (t ? t.textContent : b.textContent) || '', final: b.getAttribute('data-final') === 'true' });
});
document.querySelectorAll('.msg.error:not([data-e2e-old])').forEach(function (e) { out.errors.push(e.textContent); });
document.querySelectorAll('.msg.user:not([data-e2e-old])').forEach(function (u) { out.users.push(u.textContent); });
return out;
"""


def check_chat(driver, args, deadline):
    from selenium.webdriver.common.by import By

    expect = args.expect if args.expect is not None else "echo: " + args.chat
    open_panel(driver, args, "chat", deadline)
    try:
        poll(min(deadline, time.monotonic() + 5), "history",
             lambda: driver.execute_script(CHAT_STATE_JS).get("history") == "loaded")
    except Failure:
        pass
    driver.execute_script(OBSERVER_JS)
    composer = driver.find_element(By.ID, "composer")
    composer.click()
    composer.send_keys(args.chat)
    send = driver.find_element(By.ID, "send")
    poll(deadline, "#send enabled", send.is_enabled)
    t0 = time.monotonic()
    send.click()

    def pred():
        s = driver.execute_script(CHAT_STATE_JS)
        if s["errors"]:
            raise Failure("the chat shows an error: %s" % s["errors"][-1])
        for b in s["bubbles"]:
            if b["final"] and expect in b["text"]:
                return b["text"]
        return None

    def why():
        s = driver.execute_script(CHAT_STATE_JS)
        return "assistant bubbles seen: %r" % [b["text"] for b in s["bubbles"]][-3:]

    reply = poll(deadline, "a final assistant reply containing %r" % expect, pred, interval=0.05, on_timeout=why)
    users = driver.execute_script(CHAT_STATE_JS)["users"]
    if not any(args.chat in u for u in users):
        raise Failure("the sent message is not shown as a user bubble (.msg.user)")
    if args.phone:
        check_no_overflow(driver, "chat after the reply")
    record("chat", reply=reply, reply_ms=int((time.monotonic() - t0) * 1000))


def check_channels(driver, args, deadline):
    open_panel(driver, args, "channels", deadline)
    for text in args.expect_channel:
        wait_panel_text(driver, "channels", text, deadline, "the Channels panel to show %r" % text)
        record("channel", text=text)


def check_mcp(driver, args, deadline):
    open_panel(driver, args, "mcp", deadline)
    for text in args.expect_mcp:
        wait_panel_text(driver, "mcp", text, deadline, "the MCP panel to show %r" % text)
        record("mcp", text=text)


def check_incidents(driver, args, deadline):
    open_panel(driver, args, "incidents", deadline)
    for ticket in args.expect_incident:
        text = wait_panel_text(driver, "incidents", ticket, deadline, "incident %r in the Incidents panel" % ticket,
                               selector="[data-incident]")
        record("incident", ticket=ticket, text=text if isinstance(text, str) else None)


def check_approve(driver, args, deadline):
    from selenium.webdriver.common.by import By

    code = args.approve_code.strip().upper()
    open_panel(driver, args, "pairing", deadline)
    selector = '[data-approve-code="%s"]' % code
    last_refresh = [time.monotonic()]

    def find_button():
        fail_on_blocking_note(driver, "pairing", "approving %s" % code)
        for b in driver.find_elements(By.CSS_SELECTOR, selector):
            if b.is_displayed() and b.is_enabled():
                return b
        if time.monotonic() - last_refresh[0] > 3:
            last_refresh[0] = time.monotonic()
            refresh_panel(driver, "pairing")
        return None

    def why():
        info = panel_info(driver, "pairing")
        return "panel note %r, panel text %r" % (info.get("note"), (info.get("text") or "")[:600])

    # A poll may re-render the list between finding the button and clicking it: find it again then.
    from selenium.common.exceptions import StaleElementReferenceException
    for attempt in range(5):
        button = poll(deadline, "the pairing request %s with an Approve button (%s)" % (code, selector), find_button,
                      interval=0.2, on_timeout=why)
        try:
            button.click()
            break
        except StaleElementReferenceException:
            if attempt == 4:
                raise
    t0 = time.monotonic()

    def gone():
        msg = driver.execute_script(
            "var m=document.getElementById('pairing-message'); return m && !m.hidden ? [m.getAttribute('data-kind'), m.textContent] : null;")
        if msg and msg[0] == "error":
            raise Failure("approving %s failed in the page: %s" % (code, msg[1]))
        return not driver.find_elements(By.CSS_SELECTOR, selector)

    poll(deadline, "the request %s to disappear after Approve" % code, gone, interval=0.1, on_timeout=why)
    msg = driver.execute_script("var m=document.getElementById('pairing-message'); return m && !m.hidden ? m.textContent : null;")
    record("approve", code=code, message=msg, ms=int((time.monotonic() - t0) * 1000))


MCTL_JS = r"""
var s = document.getElementById('mctl-status'), m = document.getElementById('mctl-message');
var sec = document.querySelector('section[data-panel="mctl"]');
return { status: s ? s.textContent : null, state: s ? s.getAttribute('data-state') : null,
         message: m && !m.hidden ? m.textContent : null, messageKind: m && !m.hidden ? m.getAttribute('data-kind') : null,
         visible: !!(sec && !sec.hidden), href: location.href, path: location.pathname, search: location.search };
"""


def check_connect_mctl(driver, args, deadline):
    from selenium.webdriver.common.by import By

    open_panel(driver, args, "mctl", deadline)

    def status_known():
        fail_on_blocking_note(driver, "mctl", "Connect MCTL")
        s = driver.execute_script(MCTL_JS)
        return s if s["state"] not in (None, "unknown") else None

    before = poll(deadline, "the MCTL status (#mctl-status)", status_known, interval=0.1,
                  on_timeout=lambda: repr(panel_info(driver, "mctl").get("note")))
    button = driver.find_element(By.ID, "mctl-connect")
    if not button.is_displayed():
        raise Failure("the Connect MCTL button (#mctl-connect) is not visible")
    start_url = driver.current_url
    button.click()

    # The page calls mctl.connect.start and navigates to the authorize URL, which redirects back to
    # /overview?mctl_oauth=1&code=…&state=…; the page completes the connection there.
    left = {"seen": False}

    def landed():
        try:
            s = driver.execute_script(MCTL_JS)
        except Exception:  # noqa: BLE001 - between pages
            return None
        if s is None:
            return None
        if s.get("message") and s.get("messageKind") == "error":
            raise Failure("Connect MCTL failed in the page: %s" % s["message"])
        if s.get("path") == "/overview" or driver.current_url != start_url:
            left["seen"] = True
        want = "connected as " + args.expect_login if args.expect_login else "connected as "
        if left["seen"] and s.get("state") == "connected" and want in (s.get("status") or ""):
            return s
        return None

    def why():
        try:
            s = driver.execute_script(MCTL_JS) or {}
        except Exception:  # noqa: BLE001
            s = {}
        return "page at %s, #mctl-status %r (state %r), message %r" % (
            redact(driver.current_url), s.get("status"), s.get("state"), s.get("message"))

    s = poll(deadline, "\"connected as %s\" after the OAuth round trip" % (args.expect_login or "…"), landed,
             interval=0.1, on_timeout=why)
    if not s.get("visible"):
        raise Failure("after the OAuth redirect the Connect MCTL panel is not the one shown")
    # The address is cleaned once the connection is complete (no code/state left in it).
    poll(deadline, "the address to be cleaned of the OAuth code",
         lambda: "code=" not in (driver.execute_script("return location.search") or ""),
         on_timeout=lambda: redact(driver.current_url))
    if args.phone:
        check_no_overflow(driver, "Connect MCTL after the redirect")
    record("connect_mctl", before=before.get("state"), status=s.get("status"), message=s.get("message"),
           final_url=redact(driver.current_url))


def check_phone_navigation(driver, args, deadline):
    """At phone width the tabs collapse behind #nav-toggle; opening the menu and choosing a panel must work."""
    from selenium.webdriver.common.by import By

    check_no_overflow(driver, "initial page")
    toggle = driver.find_elements(By.ID, "nav-toggle")
    if not toggle or not toggle[0].is_displayed():
        raise Failure("at phone width there is no visible menu button (#nav-toggle)")
    visible_items = [e for e in driver.find_elements(By.CSS_SELECTOR, "[data-nav]") if e.is_displayed()]
    if visible_items:
        raise Failure("at phone width the navigation should be collapsed, but %d entries are visible" % len(visible_items))
    toggle[0].click()
    poll(deadline, "the navigation menu to open",
         lambda: all(e.is_displayed() for e in driver.find_elements(By.CSS_SELECTOR, "[data-nav]")))
    check_no_overflow(driver, "open menu")
    for e in driver.find_elements(By.CSS_SELECTOR, "[data-nav]"):
        r = e.rect
        if r["x"] < 0 or r["x"] + r["width"] > PHONE[0] + 0.5:
            raise Failure("navigation entry %r is outside the screen (%r)" % (e.text, r))
    toggle[0].click()  # close it again; open_panel opens it as needed
    poll(deadline, "the navigation menu to close",
         lambda: not any(e.is_displayed() for e in driver.find_elements(By.CSS_SELECTOR, "[data-nav]")))
    # Visit the panels the other checks do not, so every panel is checked for sideways scrolling.
    visited = []
    for name in ("sessions", "mctl", "mcp", "channels", "pairing", "incidents", "chat"):
        open_panel(driver, args, name, deadline)
        time.sleep(0.3)  # let the panel's first load render
        check_no_overflow(driver, "panel " + name)
        visited.append(name)
    record("phone", viewport=list(PHONE), panels=visited)


def main():
    global TOKEN
    args = parse_args()
    TOKEN = args.token or None
    RESULT.update({"test": "control_ui", "url": args.url.split("#", 1)[0], "phone": args.phone})
    try:
        import selenium  # noqa: F401
    except ImportError:
        RESULT["error"] = "selenium is not installed (run scripts/e2e-deps.sh)"
        emit(2)
    for path, what in ((args.chromium, "chromium"), (args.chromedriver, "chromedriver")):
        if not os.path.exists(path):
            RESULT["error"] = "%s not found at %s (run scripts/e2e-deps.sh)" % (what, path)
            emit(2)
    try:
        driver = start_driver(args)
    except Exception as exc:  # noqa: BLE001
        RESULT["error"] = "could not start Chromium: %s" % (str(exc).strip().splitlines() or ["?"])[0]
        emit(2)

    code = 1
    step = "loading the page"
    try:
        driver.set_page_load_timeout(max(5, args.timeout))
        deadline = time.monotonic() + args.timeout
        driver.get(page_url(args.url, args.token))
        step = "connecting"
        RESULT["connected_ms"] = wait_connected(driver, deadline)
        if args.phone:
            step = "phone layout and navigation"
            check_phone_navigation(driver, args, deadline)
        if args.chat is not None:
            step = "chat"
            check_chat(driver, args, deadline)
        if args.expect_channel:
            step = "channels"
            check_channels(driver, args, deadline)
        if args.expect_mcp:
            step = "mcp"
            check_mcp(driver, args, deadline)
        if args.expect_incident:
            step = "incidents"
            check_incidents(driver, args, deadline)
        if args.approve_code:
            step = "pairing approve"
            check_approve(driver, args, deadline)
        if args.connect_mctl:
            step = "connect mctl"
            check_connect_mctl(driver, args, deadline)
        step = "console"
        errs = js_errors(console_log(driver))
        RESULT["js_errors"] = errs
        if errs:
            raise Failure("JavaScript errors on the page: %s" % errs[0])
        RESULT["ok"] = True
        code = 0
    except Exception as exc:  # noqa: BLE001 - Failure or any selenium error
        msg = str(exc).strip() or exc.__class__.__name__
        if not isinstance(exc, Failure):
            msg = "%s: %s" % (exc.__class__.__name__, msg.splitlines()[0])
        RESULT["error"] = "%s: %s" % (step, msg)
        RESULT["step"] = step
        print(redact("FAILED (%s): %s" % (step, msg)), file=sys.stderr)
        try:
            outdir = args.artifacts_dir or tempfile.mkdtemp(prefix="talon-control-ui-e2e-")
            os.makedirs(outdir, exist_ok=True)
            shot = os.path.join(outdir, "control-ui-failure-%d.png" % int(time.time()))
            if driver.save_screenshot(shot):
                RESULT["screenshot"] = shot
                print("screenshot: %s" % shot, file=sys.stderr)
        except Exception as shot_exc:  # noqa: BLE001
            RESULT["screenshot_error"] = (str(shot_exc).splitlines() or ["failed"])[0]
        try:
            RESULT["page_url"] = redact(driver.current_url)
            text = driver.execute_script("return document.body ? document.body.innerText : ''") or ""
            RESULT["page_text"] = redact(text[:3000])
            print(redact("---- page text (%s) ----\n%s" % (driver.current_url, text[:6000])), file=sys.stderr)
        except Exception:  # noqa: BLE001
            pass
        entries = console_log(driver)
        RESULT["console"] = entries[-50:]
        print("---- browser console (%d entries) ----" % len(entries), file=sys.stderr)
        for e in entries:
            print(redact("[%s] %s" % (e.get("level"), e.get("message"))), file=sys.stderr)
    finally:
        try:
            driver.quit()
        except Exception:  # noqa: BLE001
            pass
    emit(code)


if __name__ == "__main__":
    main()
