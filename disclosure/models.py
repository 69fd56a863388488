"""Every area's tables, imported in one place so Alembic and tests see the whole schema."""

from disclosure import areas
from disclosure.db import Base

areas.modules("models")
metadata = Base.metadata
