"""What the auth area adds to the app: sign-in, accounts and the acting Director's pages, and
the 'stay signed in' answer of a session about to end."""

from __future__ import annotations

from disclosure.areas import Area
from disclosure.auth import factor_views, idle, timeline, views

AREA = Area("auth", blueprints=(views.bp, factor_views.bp, idle.bp), tellings=timeline.EVENTS)
