/// The bot-token intake page (`GET /openclaw/intake`): one self-contained HTML document, no
/// external assets or scripts, readable at phone width. The token field is a password field with
/// autocomplete off and is always rendered empty: a token is never written back into a page.
enum IntakeForm {
    /// The field names the POST handler reads (the portal's names).
    static let teamField = "team"
    static let serviceField = "service"
    static let returnToField = "returnTo"
    static let tokenField = "telegram_bot_token"
    static let signatureField = IntakeLinkSigner.field

    /// Headers to send with every intake page: not cached, not framed (clickjacking), and a
    /// `Referrer-Policy` that still sends our own origin on the POST, which the CSRF check may need.
    static let responseHeaders: [(name: String, value: String)] = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Cache-Control", "no-store"),
        (
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        ),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
    ]

    /// `action` is the form's target (normally "/openclaw/intake"); `notice` is an optional message
    /// shown above the form (e.g. why the last submission was refused). All values are escaped.
    static func render(
        team: String, service: String, returnTo: String, signature: String? = nil, action: String, notice: String? = nil
    ) -> String {
        let noticeBlock =
            notice.map { "<p class=\"notice\" role=\"alert\">\(IntakeHTML.escape($0))</p>\n" } ?? ""
        let signatureBlock =
            signature.map { "<input type=\"hidden\" name=\"\(signatureField)\" value=\"\(IntakeHTML.escape($0))\">\n" } ?? ""
        let body = """
            <h1>Connect your Telegram bot</h1>
            <p>OpenClaw <strong>\(IntakeHTML.escape(service))</strong> of team <strong>\(IntakeHTML.escape(team))</strong> \
            needs its bot token. Create a bot with <span class="code">@BotFather</span> and paste the token it gives you. \
            It is stored in the platform's secret store and is not shown again.</p>
            \(noticeBlock)<form method="post" action="\(IntakeHTML.escape(action))" autocomplete="off">
            <input type="hidden" name="\(teamField)" value="\(IntakeHTML.escape(team))">
            <input type="hidden" name="\(serviceField)" value="\(IntakeHTML.escape(service))">
            <input type="hidden" name="\(returnToField)" value="\(IntakeHTML.escape(returnTo))">
            \(signatureBlock)            <label for="\(tokenField)">Bot token</label>
            <input type="password" id="\(tokenField)" name="\(tokenField)" required autocomplete="off" autocapitalize="off" \
            spellcheck="false" inputmode="text" pattern="[0-9]{1,20}:[A-Za-z0-9_\\-]{35}" aria-describedby="token-help">
            <p id="token-help" class="help">Looks like <span class="code">123456789:AA…</span> (digits, a colon, 35 letters, digits, _ or -).</p>
            <button type="submit">Save token</button>
            </form>
            """
        return page(title: "Connect Telegram bot", body: body)
    }

    /// A plain message page (saved without a usable `returnTo`, refused submissions): the server's
    /// safe fallback. Both values are escaped.
    static func renderMessage(title: String, message: String) -> String {
        page(title: title, body: "<h1>\(IntakeHTML.escape(title))</h1>\n<p>\(IntakeHTML.escape(message))</p>")
    }

    private static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="same-origin">
        <title>\(IntakeHTML.escape(title))</title>
        <style>
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:1rem;background:#f6f7f9;color:#1b1f24;line-height:1.5}
        main{max-width:32rem;margin:2rem auto;background:#fff;border:1px solid #d8dde3;border-radius:8px;padding:1.25rem}
        h1{font-size:1.3rem;margin:0 0 .75rem}
        label{display:block;font-weight:600;margin:1rem 0 .25rem}
        input[type=password]{box-sizing:border-box;width:100%;font:inherit;padding:.6rem;border:1px solid #8a949e;border-radius:6px}
        input:focus,button:focus{outline:3px solid #2f6feb;outline-offset:2px}
        button{margin-top:1rem;font:inherit;font-weight:600;padding:.6rem 1.2rem;border:0;border-radius:6px;background:#1f6f43;color:#fff;cursor:pointer}
        .help{font-size:.9rem;color:#4a535c;margin:.25rem 0 0}
        .notice{background:#fff4e5;border-left:4px solid #b35900;padding:.5rem .75rem}
        .code{font-family:ui-monospace,Menlo,Consolas,monospace}
        </style>
        </head>
        <body>
        <main>
        \(body)
        </main>
        </body>
        </html>

        """
    }
}
