"""Every area's tables, imported in one place so Alembic and tests see the whole schema."""

from disclosure.audit import models as audit_models  # noqa: F401
from disclosure.auth import models as auth_models  # noqa: F401
from disclosure.breaches import models as breaches_models  # noqa: F401
from disclosure.cases import models as cases_models  # noqa: F401
from disclosure.db import Base
from disclosure.documents import models as documents_models  # noqa: F401
from disclosure.holds import models as holds_models  # noqa: F401
from disclosure.notify import models as notify_models  # noqa: F401
from disclosure.ops import models as ops_models  # noqa: F401
from disclosure.patrons import models as patrons_models  # noqa: F401
from disclosure.records import models as records_models  # noqa: F401
from disclosure.retention import models as retention_models  # noqa: F401
from disclosure.work import WorkItem  # noqa: F401

metadata = Base.metadata
