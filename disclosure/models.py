"""Every area's tables, imported in one place so Alembic and tests see the whole schema."""
import importlib

from disclosure.db import Base

AREAS = ("auth", "audit", "notify", "records", "cases", "holds", "retention", "patrons", "documents")

for _area in AREAS:
    try:
        importlib.import_module(f"disclosure.{_area}.models")
    except ModuleNotFoundError as _err:
        if _err.name not in (f"disclosure.{_area}", f"disclosure.{_area}.models"):
            raise

metadata = Base.metadata
