"""GET /healthz for load balancers and monitors: three states, nothing else."""

from __future__ import annotations

from flask import Blueprint, jsonify

from disclosure.auth.access import allow
from disclosure.db import db
from disclosure.ops import service

bp = Blueprint("ops", __name__)


@bp.route("/healthz")
@allow("public")
def healthz():
    """200 when the database answers, the schema is current and the scheduler beats; else 503.
    Public, so it says only those three states: no counts, versions or names."""
    states = service.health(db.session)
    healthy = all(state == "ok" for state in states.values())
    return jsonify(status="ok" if healthy else "failing", **states), 200 if healthy else 503
