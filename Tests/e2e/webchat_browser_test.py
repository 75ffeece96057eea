#!/usr/bin/env python3
"""End-to-end check of the Talon WebChat page in headless Chromium (selenium + chromium-driver).

Loads URL#token=TOKEN, waits for #status[data-state=connected], sends a message and waits for a final
assistant bubble containing the expected text. Options:

  --require-streaming   fail unless the reply was seen streaming (data-streaming="true" or partial text)
  --expect-tool NAME    also wait for a .tool-call row naming tool NAME (repeatable)
  --expect-banner       only check that #model-banner is visible and mentions OPENAI_API_KEY

The last line on stdout is a JSON summary ({"ok": true|false, ...}); the exit code is 0 on success, 1 on
failure and 2 when selenium/Chromium cannot be started. On failure the browser console log goes to stderr
and a screenshot is saved (its path is in the summary). Install the dependencies with scripts/e2e-deps.sh.
"""
import argparse
import json
import os
import sys
import tempfile
import time
import urllib.parse

RESULT = {"ok": False}
TOKEN = None


def redact(text):
    if TOKEN and isinstance(text, str):
        return text.replace(TOKEN, "<token>").replace(urllib.parse.quote(TOKEN, safe=""), "<token>")
    return text


def emit(code):
    print(redact(json.dumps(RESULT, sort_keys=True)), flush=True)
    sys.exit(code)


class Failure(Exception):
    pass


# Installed before sending: marks what is already on the page (history) as old, then records every state a
# new assistant bubble goes through. Only new bubbles, tool rows and errors count for the checks.
OBSERVER_JS = r"""
(function () {
  document.querySelectorAll('.msg, .tool-call').forEach(function (b) { b.setAttribute('data-e2e-old', '1'); });
  var rec = window.__talonE2E = { states: [], last: {} };
  function snap() {
    var bubbles = document.querySelectorAll('.msg.assistant:not([data-e2e-old])');
    for (var i = 0; i < bubbles.length; i++) {
      var b = bubbles[i];
      var t = b.querySelector('.text');
      var s = { i: i, text: (t ? t.textContent : b.textContent) || '',
                streaming: b.getAttribute('data-streaming') === 'true',
                final: b.getAttribute('data-final') === 'true' };
      var key = JSON.stringify(s);
      if (rec.last[i] !== key) { rec.last[i] = key; rec.states.push(s); }
    }
  }
  new MutationObserver(snap).observe(document.getElementById('messages'),
    { subtree: true, childList: true, characterData: true, attributes: true,
      attributeFilter: ['data-streaming', 'data-final'] });
  snap();
})();
"""

STATE_JS = r"""
var out = { status: null, history: null, bubbles: [], errors: [], tools: [], users: [] };
var st = document.getElementById('status');
if (st) out.status = st.getAttribute('data-state');
var m = document.getElementById('messages');
if (m) out.history = m.getAttribute('data-history');
document.querySelectorAll('.msg.assistant:not([data-e2e-old])').forEach(function (b) {
  var t = b.querySelector('.text');
  out.bubbles.push({ text: (t ? t.textContent : b.textContent) || '',
                     streaming: b.getAttribute('data-streaming') === 'true',
                     final: b.getAttribute('data-final') === 'true' });
});
document.querySelectorAll('.msg.error:not([data-e2e-old])').forEach(function (e) { out.errors.push(e.textContent); });
document.querySelectorAll('.tool-call:not([data-e2e-old])').forEach(function (r) {
  out.tools.push({ name: r.getAttribute('data-tool-name') || '', text: r.textContent,
                   state: r.getAttribute('data-state') || '' });
});
document.querySelectorAll('.msg.user:not([data-e2e-old])').forEach(function (u) { out.users.push(u.textContent); });
var e2e = window.__talonE2E;
out.states = e2e ? e2e.states : [];
return out;
"""


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True, help="gateway base URL, e.g. http://127.0.0.1:18789/")
    p.add_argument("--token", default="", help="gateway token (put in the URL fragment #token=…)")
    p.add_argument("--message", default="hello browser")
    p.add_argument("--expect", default=None, help='text the final reply must contain (default: "echo: <message>")')
    p.add_argument("--timeout", type=float, default=30.0, help="seconds for the whole check after the browser started")
    p.add_argument("--require-streaming", action="store_true", help="fail unless the reply was seen streaming")
    p.add_argument("--expect-tool", action="append", default=[], metavar="NAME", help="wait for a .tool-call row naming NAME")
    p.add_argument("--expect-banner", action="store_true", help="only check the no-model banner (#model-banner)")
    p.add_argument("--banner-text", default="OPENAI_API_KEY", help="text the banner must contain in --expect-banner mode")
    p.add_argument("--use-enter", action="store_true", help="send with the Enter key instead of clicking #send")
    p.add_argument("--chromium", default=os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium"))
    p.add_argument("--chromedriver", default=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    p.add_argument("--artifacts-dir", default=None, help="where to save the failure screenshot (default: a temp dir)")
    p.add_argument("--poll-interval", type=float, default=0.02)
    return p.parse_args()


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
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
              "--window-size=1200,900", "--no-first-run", "--no-default-browser-check",
              "--disable-extensions", "--disable-background-networking"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=args.chromedriver)
    driver = webdriver.Chrome(service=service, options=opts)
    return driver


def console_log(driver):
    try:
        return [{"level": e.get("level"), "message": e.get("message")} for e in driver.get_log("browser")]
    except Exception as exc:  # noqa: BLE001 - diagnostics only
        return [{"level": "INFO", "message": "console log unavailable: %s" % exc}]


def js_errors(entries):
    """Uncaught exceptions and syntax errors; network noise (favicon 404, refused sockets) is not counted."""
    errs = []
    for e in entries:
        msg = e.get("message") or ""
        if e.get("level") == "SEVERE" and ("Uncaught" in msg or "SyntaxError" in msg or "TypeError" in msg
                                          or "ReferenceError" in msg):
            errs.append(msg)
    return errs


def wait_for(driver, deadline, what, predicate, interval=0.05):
    """Poll predicate(state) until it returns a truthy value; raise Failure on timeout."""
    last = None
    while True:
        last = driver.execute_script(STATE_JS)
        got = predicate(last)
        if got:
            return got, last
        if time.monotonic() >= deadline:
            raise Failure("timed out waiting for %s (page status %r, %d new assistant bubble(s), errors %r)"
                          % (what, last.get("status"), len(last.get("bubbles", [])), last.get("errors", [])[-3:]))
        time.sleep(interval)


def wait_connected(driver, deadline):
    def pred(s):
        if s.get("status") == "auth-required":
            raise Failure("the gateway refused the token (page shows the token form, #status data-state=auth-required)")
        return s.get("status") == "connected"
    t0 = time.monotonic()
    wait_for(driver, deadline, "#status[data-state=connected]", pred)
    RESULT["connected_ms"] = int((time.monotonic() - t0) * 1000)


def check_banner(driver, args, deadline):
    from selenium.webdriver.common.by import By

    def pred(_s):
        els = driver.find_elements(By.ID, "model-banner")
        if els and els[0].is_displayed() and args.banner_text in (els[0].text or ""):
            return els[0].text
        return None
    text, _ = wait_for(driver, deadline, "#model-banner visible with %r" % args.banner_text, pred)
    RESULT["banner_text"] = text


def chat(driver, args, deadline):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    expect = args.expect if args.expect is not None else "echo: " + args.message
    # History loads right after hello-ok; wait for it (briefly) so it cannot re-render under us.
    try:
        wait_for(driver, min(deadline, time.monotonic() + 5), "history", lambda s: s.get("history") == "loaded")
    except Failure:
        pass
    driver.execute_script(OBSERVER_JS)

    composer = driver.find_element(By.ID, "composer")
    composer.click()
    composer.send_keys(args.message)
    t_send = time.monotonic()
    if args.use_enter:
        composer.send_keys(Keys.ENTER)
    else:
        send = driver.find_element(By.ID, "send")
        wait_for(driver, deadline, "#send enabled", lambda _s: send.is_enabled(), interval=args.poll_interval)
        send.click()

    seen_streaming_attr = False
    partial_texts = set()
    first_token_ms = None
    reply = None
    while True:
        s = driver.execute_script(STATE_JS)
        new_errors = s.get("errors", [])
        if new_errors:
            raise Failure("the page shows an error: %s" % new_errors[-1])
        for st in s.get("states", []) + s.get("bubbles", []):
            text = st.get("text") or ""
            if text and first_token_ms is None:
                first_token_ms = int((time.monotonic() - t_send) * 1000)
            if st.get("streaming") and not st.get("final"):
                seen_streaming_attr = True
            if text and not st.get("final") and text != expect and expect.startswith(text):
                partial_texts.add(text)
        for b in s.get("bubbles", []):
            if b.get("final") and expect in (b.get("text") or ""):
                reply = b["text"]
        if reply is not None:
            break
        if time.monotonic() >= deadline:
            finals = [b.get("text") for b in s.get("bubbles", []) if b.get("final")]
            raise Failure("timed out waiting for a final assistant bubble containing %r (final replies seen: %r)"
                          % (expect, finals[-3:]))
        time.sleep(args.poll_interval)

    RESULT["reply_ms"] = int((time.monotonic() - t_send) * 1000)
    RESULT["first_token_ms"] = first_token_ms
    RESULT["reply_text"] = reply
    RESULT["streaming_attr_seen"] = seen_streaming_attr
    RESULT["partial_texts"] = len(partial_texts)
    RESULT["streaming_observed"] = seen_streaming_attr or len(partial_texts) > 0
    if not any(args.message in u for u in s.get("users", [])):
        raise Failure("the sent message is not shown as a user bubble (.msg.user)")
    if args.require_streaming and not RESULT["streaming_observed"]:
        raise Failure("the reply arrived complete: no data-streaming=\"true\" bubble or partial text was seen")

    for name in args.expect_tool:
        def pred(st, name=name):
            for t in st.get("tools", []):
                if t.get("name") == name or name in (t.get("text") or ""):
                    return t
            return None
        tool, _ = wait_for(driver, deadline, ".tool-call row naming %r" % name, pred)
        RESULT.setdefault("tools", []).append({"name": tool.get("name"), "state": tool.get("state")})


def main():
    global TOKEN
    args = parse_args()
    TOKEN = args.token or None
    RESULT.update({"test": "webchat_browser", "mode": "banner" if args.expect_banner else "chat",
                   "url": args.url.split("#", 1)[0]})
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
        RESULT["error"] = "could not start Chromium: %s" % str(exc).strip().splitlines()[0]
        emit(2)

    code = 1
    try:
        driver.set_page_load_timeout(max(5, args.timeout))
        deadline = time.monotonic() + args.timeout
        driver.get(page_url(args.url, args.token))
        wait_connected(driver, deadline)
        if args.expect_banner:
            check_banner(driver, args, deadline)
        else:
            chat(driver, args, deadline)
        entries = console_log(driver)
        errs = js_errors(entries)
        RESULT["js_errors"] = errs
        if errs:
            raise Failure("JavaScript errors on the page: %s" % errs[0])
        try:
            RESULT["url_fragment_cleared"] = "token=" not in (driver.execute_script("return location.hash") or "")
        except Exception:  # noqa: BLE001
            pass
        RESULT["ok"] = True
        code = 0
    except Exception as exc:  # noqa: BLE001 - Failure or any selenium error
        RESULT["error"] = str(exc).strip() or exc.__class__.__name__
        if not isinstance(exc, Failure):
            RESULT["error"] = "%s: %s" % (exc.__class__.__name__, RESULT["error"].splitlines()[0])
        try:
            outdir = args.artifacts_dir or tempfile.mkdtemp(prefix="talon-webchat-e2e-")
            os.makedirs(outdir, exist_ok=True)
            shot = os.path.join(outdir, "webchat-failure-%d.png" % int(time.time()))
            if driver.save_screenshot(shot):
                RESULT["screenshot"] = shot
        except Exception as shot_exc:  # noqa: BLE001
            RESULT["screenshot_error"] = str(shot_exc).splitlines()[0] if str(shot_exc) else "failed"
        entries = console_log(driver)
        RESULT["console"] = entries[-50:]
        print("---- browser console (%d entries) ----" % len(entries), file=sys.stderr)
        for e in entries:
            print(redact("[%s] %s" % (e.get("level"), e.get("message"))), file=sys.stderr)
        try:
            status = driver.execute_script(STATE_JS)
            print(redact("---- page state ----\n" + json.dumps(status, indent=1)[:4000]), file=sys.stderr)
        except Exception:  # noqa: BLE001
            pass
    finally:
        try:
            driver.quit()
        except Exception:  # noqa: BLE001
            pass
    emit(code)


if __name__ == "__main__":
    main()
