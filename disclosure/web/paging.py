"""Pages of a list that grows (cases, holds, patrons' requests, consents, purges, notifications,
accounts): one helper for every list, drawn by the `pager` macro of templates/macros/paging.html.

A list is cut in the database (LIMIT and OFFSET over the query's own order), so a page costs
the same at ten rows as at ten thousand; the count of all rows comes from one COUNT over the
same query. A page number that is not a number, or lies past the end, shows the nearest page."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

PER_PAGE = 50
# More pages than anyone pages through; a larger number in a URL is simply the last page.
MOST_PAGES = 1_000_000


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, which page it is and how many rows there are in all."""

    items: list
    number: int
    per_page: int
    total: int
    arg: str = "page"

    @property
    def pages(self) -> int:
        """How many pages the list has (at least one, even when it is empty)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def first_shown(self) -> int:
        """The position (from 1) of the first row on this page; 0 for an empty list."""
        return (self.number - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_shown(self) -> int:
        """The position of the last row on this page."""
        return min(self.total, self.number * self.per_page)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    def url(self, number: int) -> str:
        """This page's address with page `number` instead, keeping its filters and order."""
        args = {**request.args.to_dict(), self.arg: number}
        if number == 1:
            args.pop(self.arg)
        return url_for(request.endpoint, **(request.view_args or {}), **args)


def page_number(arg: str = "page", source=None) -> int:
    """The page asked for in the request (1 when none, or not a whole number)."""
    raw = (source if source is not None else request.args).get(arg, "").strip()
    if not (raw.isascii() and raw.isdigit()) or not raw.strip("0"):
        return 1
    # a number of more digits than MOST_PAGES has is past the end (and too long to convert)
    return MOST_PAGES if len(raw) > len(str(MOST_PAGES)) else min(int(raw), MOST_PAGES)


def paginate(
    session: Session,
    query: Select,
    *,
    number: int | None = None,
    per_page: int = PER_PAGE,
    arg: str = "page",
    scalars: bool = True,
) -> Page:
    """The page `number` (default: the one the request asks for) of `query`, in its order."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-total // per_page))
    number = min(number if number is not None else page_number(arg), pages)
    cut = query.limit(per_page).offset((number - 1) * per_page)
    rows = session.scalars(cut).all() if scalars else session.execute(cut).all()
    return Page(list(rows), number, per_page, total, arg)


def of_list(rows: list, *, per_page: int = PER_PAGE, arg: str = "page") -> Page:
    """A page of a list already in memory (a list a rule sorts in Python, such as the queue)."""
    pages = max(1, -(-len(rows) // per_page))
    number = min(page_number(arg), pages)
    start = (number - 1) * per_page
    return Page(rows[start : start + per_page], number, per_page, len(rows), arg)
