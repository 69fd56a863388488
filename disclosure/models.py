"""Every area's tables, imported in one place so Alembic and tests see the whole schema."""
from disclosure.db import Base
from disclosure.auth import models as _auth  # noqa: F401
from disclosure.audit import models as _audit  # noqa: F401
from disclosure.notify import models as _notify  # noqa: F401
from disclosure.records import models as _records  # noqa: F401

metadata = Base.metadata
