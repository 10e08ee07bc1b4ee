"""What keeps `mkdocs serve` quick across its rebuilds, beside the plan in `rebuild`: compiled
templates kept, edits learnt from the operating system, and MkDocs' warning about dirty builds
left out where the plugin makes them accurate. MkDocs' objects are taken as they come."""

from __future__ import annotations

import logging
from typing import Any

import jinja2
import jinja2.bccache


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled Jinja templates kept in memory across the rebuilds of `mkdocs serve`. MkDocs
    makes the theme's environment anew for every build, which compiles every template again
    (a second of a rebuild of a large site); Jinja checks each template's source against the
    checksum it was compiled from, so an edited template is compiled again."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if (data := self.compiled.get(bucket.key)) is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


class _AccurateDirtyBuilds(logging.Filter):
    """MkDocs warns on every dirty build that navigation and links will likely be wrong; with
    the plugin planning the rebuild they are not, so that warning is left out."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("A 'dirty' build is being performed")


_FILTER = _AccurateDirtyBuilds()


def quiet_dirty_warning() -> None:
    """Leave MkDocs' warning about dirty builds out of the log (once per process)."""
    logger = logging.getLogger("mkdocs.commands.build")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)


def watch_natively(server: Any) -> bool:
    """In the fast mode, have `mkdocs serve` learn of edits from the operating system
    (inotify on Linux) rather than by polling every watched file every 0.5 s, which both
    delays each rebuild by 0.25 s on average and costs a share of a core on a large
    knowledge base. Only changes count: the build itself opens and reads every file, and
    inotify reports that too, which would start a rebuild after every rebuild. Done before
    the server starts; the paths watched so far are watched again by the new observer.
    False (nothing changed) where the platform has no such notifications, where watchdog
    is older than 4.0 (no event filter), or where the server is not the one this was
    written against (MkDocs 1.6)."""
    import inspect

    from watchdog import events
    from watchdog.observers import Observer
    from watchdog.observers.api import BaseObserver
    from watchdog.observers.polling import PollingObserver

    parts = ("observer", "_watched_paths", "_watch_refs", "watch")
    if Observer is PollingObserver or not all(hasattr(server, part) for part in parts):
        return False
    filters = "event_filter" in inspect.signature(BaseObserver.schedule).parameters
    if server.observer.is_alive() or not filters:
        return False
    changes: list[type[events.FileSystemEvent]] = [
        events.FileCreatedEvent,
        events.FileModifiedEvent,
        events.FileDeletedEvent,
        events.FileMovedEvent,
        events.FileClosedEvent,  # closed after writing
        events.DirCreatedEvent,
        events.DirDeletedEvent,
        events.DirMovedEvent,
    ]

    class ChangesOnly(Observer):  # type: ignore[misc, valid-type]
        def schedule(self, handler: Any, path: Any, **options: Any) -> Any:
            return super().schedule(handler, path, **{"event_filter": changes, **options})

    watched = dict(server._watched_paths)
    server.observer = ChangesOnly()
    server._watched_paths.clear()
    server._watch_refs.clear()
    for path, count in watched.items():
        for _ in range(count):
            server.watch(path)
    return True
