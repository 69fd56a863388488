TABLE = {
    "notify.inbox": {"staff-any"},
    "notify.mark_all_read": {"staff-any"},
}
