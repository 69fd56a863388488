"""The breach register: the Director and the administrator alike (a technical incident is often
the administrator's to record)."""

RESPONSIBLE = {"director", "admin"}

TABLE = {
    "breaches.index": RESPONSIBLE,
    "breaches.new": RESPONSIBLE,
    "breaches.detail": RESPONSIBLE,
    "breaches.notice": RESPONSIBLE,
    "breaches.close": RESPONSIBLE,
    "breaches.letter": RESPONSIBLE,
}
