"""What the web area adds to the app: each role's home page, where the areas' panels show."""

from __future__ import annotations

from disclosure.areas import Area
from disclosure.web import views

AREA = Area("web", blueprints=(views.bp,))
