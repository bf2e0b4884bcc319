"""Split a query into numbered pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import peewee

PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    """One page of rows; `number` is 1-based and always within 1..pages."""

    items: list[Any]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def parse_page(text: str | None) -> int:
    """Return the page number asked for in a query string; anything odd means page 1."""
    try:
        number = int(text or "1")
    except ValueError:
        return 1
    return max(1, min(number, 1_000_000))


def paginate(query: peewee.SelectQuery, number: int, size: int = PAGE_SIZE) -> Page:
    """Return page `number` of an ordered query, clamped to the last page."""
    total = query.count()
    last = max(1, -(-total // size))
    number = max(1, min(number, last))
    items = list(query.paginate(number, size))
    return Page(items=items, number=number, size=size, total=total)
