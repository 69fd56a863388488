"""What the documents area adds to the app: its pages, the Director's panels of this week's
deadlines and requests per month, and its events on a case's timeline."""

from __future__ import annotations

from disclosure.areas import Area, Panel
from disclosure.documents import dashboard, timeline, views
from disclosure.documents.models import Document
from disclosure.public_ids import converter_for

AREA = Area(
    "documents",
    blueprints=(views.bp,),
    converters={"document": converter_for(Document)},
    panels=(
        Panel("director", "documents/_home_deadlines.html", dashboard.deadlines_panel),
        Panel("director", "documents/_home_chart.html", dashboard.chart_panel),
    ),
    tellings=timeline.EVENTS,
)
