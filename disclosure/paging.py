"""One page of a list that grows with the library's history (ended holds, closed cases): the
rows of that page and how many there are in all, so that a page costs the same however long
the history."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

PER_PAGE = 25


@dataclass
class Page:
    """The rows of page `number` (from 1) of a list of `total` rows, `per_page` a page."""

    items: list
    number: int
    total: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        """How many pages the list fills (at least one)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_newer(self) -> bool:
        """True when a page comes before this one."""
        return self.number > 1

    @property
    def has_older(self) -> bool:
        """True when a page comes after this one."""
        return self.number < self.pages


def page_of(session: Session, query: Select, number: int, per_page: int = PER_PAGE) -> Page:
    """Page `number` of the ordered SELECT `query` (a number out of range: the last page)."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    number = min(max(1, number), max(1, -(-total // per_page)))
    items = list(session.scalars(query.limit(per_page).offset((number - 1) * per_page)))
    return Page(items, number, total, per_page)


def page_of_list(items: list, number: int, per_page: int = PER_PAGE) -> Page:
    """Page `number` of a list already in order (a number out of range: the last page)."""
    total = len(items)
    number = min(max(1, number), max(1, -(-total // per_page)))
    start = (number - 1) * per_page
    return Page(items[start : start + per_page], number, total, per_page)
