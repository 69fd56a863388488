"""The domain areas, and finding what each provides (tables, views, commands) by name."""

from __future__ import annotations

import importlib
from types import ModuleType

AREAS = (
    "auth",
    "audit",
    "notify",
    "records",
    "cases",
    "holds",
    "retention",
    "patrons",
    "documents",
    "ops",
)


def optional_module(area: str, name: str) -> ModuleType | None:
    """disclosure.<area>.<name> if that area has such a module, else None. An import error
    inside an existing module is raised, not hidden."""
    wanted = f"disclosure.{area}.{name}"
    try:
        return importlib.import_module(wanted)
    except ModuleNotFoundError as err:
        if err.name in (wanted, f"disclosure.{area}"):
            return None
        raise


def modules(name: str) -> list[ModuleType]:
    """Every area's module called `name`, in area order."""
    return [found for area in AREAS if (found := optional_module(area, name)) is not None]
