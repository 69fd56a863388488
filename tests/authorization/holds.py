"""Holds and retention."""

DIRECTOR = {"director"}

TABLE = {
    "holds.index": DIRECTOR,
    "holds.new": DIRECTOR,
    "holds.detail": DIRECTOR,
    "holds.preserved": DIRECTOR,
    "holds.renew": DIRECTOR,
    "holds.release": DIRECTOR,
    "retention.schedule": {"public"},
    "retention.settings": DIRECTOR,
    "retention.history": DIRECTOR,
}
