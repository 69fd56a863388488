"""Comparing two pages as a person sees them.

A CSRF token is signed with the second it was made, so two renderings of the same page a
second apart differ in it; comparisons that mean "the pages look the same" mask it.
"""

import re

_TOKEN = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+(")|(value=")[^"]+(" name="csrf_token")')


def without_tokens(html: str) -> str:
    return _TOKEN.sub(
        lambda m: (m.group(1) or m.group(3)) + "TOKEN" + (m.group(2) or m.group(4)), html
    )


def as_seen(response) -> tuple[int, str]:
    """Status and body of an HTML response, tokens masked."""
    return response.status_code, without_tokens(response.get_data(as_text=True))
