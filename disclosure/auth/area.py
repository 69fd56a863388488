"""What the auth area adds to the app: sign-in, accounts and the acting Director's pages."""

from __future__ import annotations

from disclosure.areas import Area
from disclosure.auth import views

AREA = Area("auth", blueprints=(views.bp,))
