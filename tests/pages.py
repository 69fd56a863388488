"""Comparing two pages as a person sees them.

A CSRF token is signed with the second it was made, so two renderings of the same page a
second apart differ in it; comparisons that mean "the pages look the same" mask it. So are the
random parts of the second-factor enrolment page: a new app's secret (text and QR code) and a
security key's challenge.
"""

import re

_TOKEN = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+(")|(value=")[^"]+(" name="csrf_token")')


_RANDOM = [
    (re.compile(r'(id="totp-secret">)[A-Z2-7]+(<)'), r"\1SECRET\2"),
    (re.compile(r'(<div class="qr"[^>]*>)<svg.*?</svg>', re.S), r"\1QR"),
    (re.compile(r"(&#34;challenge&#34;: &#34;)[A-Za-z0-9_-]+(&#34;)"), r"\1CHALLENGE\2"),
]


def without_tokens(html: str) -> str:
    html = _TOKEN.sub(
        lambda m: (m.group(1) or m.group(3)) + "TOKEN" + (m.group(2) or m.group(4)), html
    )
    for pattern, mask in _RANDOM:
        html = pattern.sub(mask, html)
    return html


def as_seen(response) -> tuple[int, str]:
    """Status and body of an HTML response, tokens masked."""
    return response.status_code, without_tokens(response.get_data(as_text=True))
