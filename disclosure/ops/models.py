"""The scheduler's heartbeat: a monitor can tell that purges and reminders are still running."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from disclosure.db import Base, UTCDateTime


class SchedulerHeartbeat(Base):
    """One row per scheduler process name, moved forward every minute by the scheduler."""

    __tablename__ = "scheduler_heartbeats"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)
