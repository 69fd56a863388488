"""Law-enforcement requests: kinds, intake, routing, counsel review, decisions, productions."""
