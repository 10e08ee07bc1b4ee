"""Template values made on first use: a page asks for what it shows, and no more."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, overload


class Lazy(Mapping[str, Any]):
    """A template's mapping whose costly values are made on first use.

    It behaves as a plain mapping with every key (`x.key`, `x["key"]`, `x.get`, `x.items()`).
    """

    __slots__ = ("_later", "_values")

    def __init__(self, values: dict[str, Any], **later: Callable[[], Any]) -> None:
        self._values = values
        self._later = later

    def __getitem__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            make = self._later.pop(key)  # KeyError for a key it does not have
            self._values[key] = value = make()
            return value

    def __iter__(self) -> Iterator[str]:
        return iter([*self._values, *self._later])  # a snapshot: reading a key may add one

    def __len__(self) -> int:
        return len(self._values) + len(self._later)


class LazyList(Sequence[Any]):
    """A template's list whose items are made on first use; its length is known at once."""

    __slots__ = ("_count", "_items", "_make")

    def __init__(self, count: int, make: Callable[[], list[Any]]) -> None:
        self._count = count
        self._make = make
        self._items: list[Any] | None = None

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if self._items is None:
            self._items = self._make()
        return self._items[index]
