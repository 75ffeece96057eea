#!/usr/bin/env python3
"""End-to-end check of the gateway's OpenAI-compatible HTTP API with the official `openai` Python package.

Checks (each reported in the JSON summary):
  completion       non-streaming chat.completions.create: choices[0].message.content contains --expect, usage present
  stream           stream=True: the concatenated delta.content contains --expect and more than one content chunk arrived
  models           models.list() contains --model
  bad_key          a wrong API key makes chat.completions.create raise openai.AuthenticationError
  bad_key_models   a wrong API key makes models.list() raise openai.AuthenticationError

The last line on stdout is a JSON summary ({"ok": true|false, "checks": {...}}); the exit code is 0 when every
check passed, 1 otherwise and 2 when the `openai` package is missing (install it with scripts/e2e-deps.sh).
"""
import argparse
import json
import sys
import time

RESULT = {"ok": False, "test": "openai_client", "checks": {}}
SECRETS = []


def redact(text):
    for s in SECRETS:
        if s:
            text = text.replace(s, "<api-key>")
    return text


def emit(code):
    print(redact(json.dumps(RESULT, sort_keys=True, default=str)), flush=True)
    sys.exit(code)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:18789/v1")
    p.add_argument("--api-key", required=True, help="the gateway token")
    p.add_argument("--model", default="openclaw")
    p.add_argument("--message", default="hi from openai")
    p.add_argument("--expect", default=None, help='text the reply must contain (default: "echo: <message>")')
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    p.add_argument("--skip", action="append", default=[], metavar="CHECK",
                   help="skip a check (completion, stream, models, bad_key, bad_key_models)")
    return p.parse_args()


def short(exc):
    text = "%s: %s" % (exc.__class__.__name__, exc)
    return text if len(text) <= 500 else text[:500] + "…"


def main():
    args = parse_args()
    SECRETS.append(args.api_key)
    RESULT["base_url"] = args.base_url
    RESULT["model"] = args.model
    try:
        import openai
    except ImportError:
        RESULT["error"] = "the openai package is not installed (run scripts/e2e-deps.sh)"
        emit(2)
    RESULT["openai_version"] = getattr(openai, "__version__", "?")
    expect = args.expect if args.expect is not None else "echo: " + args.message
    messages = [{"role": "user", "content": args.message}]
    client = openai.OpenAI(base_url=args.base_url, api_key=args.api_key, timeout=args.timeout, max_retries=0)
    checks = RESULT["checks"]

    def run(name, fn):
        if name in args.skip:
            checks[name] = {"ok": True, "skipped": True}
            return
        t0 = time.monotonic()
        try:
            detail = fn() or {}
            checks[name] = dict(ok=True, **detail)
        except AssertionError as exc:
            checks[name] = {"ok": False, "error": str(exc)}
        except Exception as exc:  # noqa: BLE001 - any client/transport error fails the check
            checks[name] = {"ok": False, "error": short(exc)}
        checks[name]["ms"] = int((time.monotonic() - t0) * 1000)

    def completion():
        resp = client.chat.completions.create(model=args.model, messages=messages)
        assert resp.choices, "no choices in the response"
        content = resp.choices[0].message.content or ""
        assert expect in content, "content %r does not contain %r" % (content, expect)
        assert resp.usage is not None, "usage missing from the response"
        return {"content": content, "finish_reason": resp.choices[0].finish_reason,
                "usage": resp.usage.model_dump() if hasattr(resp.usage, "model_dump") else str(resp.usage),
                "id": resp.id, "response_model": resp.model}

    def stream():
        parts = []
        chunks = 0
        finish = None
        with client.chat.completions.create(model=args.model, messages=messages, stream=True) as events:
            for chunk in events:
                chunks += 1
                for choice in chunk.choices or []:
                    if choice.delta is not None and choice.delta.content:
                        parts.append(choice.delta.content)
                    if choice.finish_reason:
                        finish = choice.finish_reason
        text = "".join(parts)
        assert expect in text, "streamed text %r does not contain %r" % (text, expect)
        assert len(parts) > 1, "only %d content chunk(s) arrived (%d chunks in all): not streamed" % (len(parts), chunks)
        return {"content": text, "content_chunks": len(parts), "chunks": chunks, "finish_reason": finish}

    def models():
        ids = [m.id for m in client.models.list()]
        assert args.model in ids, "%r not in models.list(): %r" % (args.model, ids)
        return {"ids": ids}

    bad = openai.OpenAI(base_url=args.base_url, api_key=args.api_key + "-wrong", timeout=args.timeout, max_retries=0)
    SECRETS.append(args.api_key + "-wrong")

    def expect_auth_error(call):
        try:
            call()
        except openai.AuthenticationError as exc:
            return {"status_code": getattr(exc, "status_code", None)}
        except openai.APIStatusError as exc:
            raise AssertionError("expected openai.AuthenticationError (401), got HTTP %s: %s"
                                 % (exc.status_code, short(exc)))
        raise AssertionError("a wrong API key was accepted")

    def bad_key():
        return expect_auth_error(lambda: bad.chat.completions.create(model=args.model, messages=messages))

    def bad_key_models():
        return expect_auth_error(lambda: list(bad.models.list()))

    run("completion", completion)
    run("stream", stream)
    run("models", models)
    run("bad_key", bad_key)
    run("bad_key_models", bad_key_models)

    failed = [name for name, c in checks.items() if not c.get("ok")]
    RESULT["ok"] = not failed
    if failed:
        RESULT["failed"] = failed
        for name in failed:
            print(redact("FAIL %s: %s" % (name, checks[name].get("error"))), file=sys.stderr)
    emit(0 if not failed else 1)


if __name__ == "__main__":
    main()
