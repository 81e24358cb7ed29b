"""Map a function over items on every core, by forking (no pickling of the function).

Rendering is CPU-bound Python, so threads do not help; forked children inherit
the compiled templates and loaded config, do their share, and send back only
their results through a pipe. Where fork is unavailable, or there is one core or
one item, it is a plain loop. Results come back in input order, and the first
exception of any item is raised in the parent, as a plain loop would.

This uses ``os.fork`` directly rather than :mod:`multiprocessing`: the work needs
nothing more than a fork and a pipe, and importing multiprocessing (sockets,
logging, its reducers) costs about as much as rendering one environment.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def _chunks(count: int, workers: int) -> list[range]:
    """``workers`` contiguous ranges whose sizes differ by at most one."""
    return [range(count * k // workers, count * (k + 1) // workers) for k in range(workers)]


def _payload(func: Callable[[T], R], items: Sequence[T], indexes: range) -> bytes:
    try:
        return pickle.dumps((True, [func(items[i]) for i in indexes]))
    except BaseException as exc:  # noqa: BLE001 - carried to the parent and raised there
        try:
            return pickle.dumps((False, exc))
        except Exception:  # noqa: BLE001 - an exception that does not pickle still reports
            return pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))


def _child(func: Callable[[T], R], items: Sequence[T], indexes: range, write_end: int) -> None:
    """Runs in the forked child and never returns: the child must not go on running the parent's code."""
    status = 1
    try:
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(_payload(func, items, indexes))
        status = 0
    finally:
        os._exit(status)


def _collect(pid: int, read_end: int) -> tuple[bool, Any]:
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        return False, RuntimeError(f"a worker process died (wait status {status})")
    ok, payload = pickle.loads(data)  # our own forked child wrote it
    return bool(ok), payload


def fork_map(func: Callable[[T], R], items: Sequence[T], workers: int | None = None) -> list[R]:
    """``[func(item) for item in items]``, spread over ``workers`` processes (default: the cores)."""
    workers = min(len(items), workers or os.cpu_count() or 1)
    if workers < 2 or not hasattr(os, "fork"):
        return [func(item) for item in items]
    chunks = _chunks(len(items), workers)
    children: list[tuple[int, int]] = []
    for chunk in chunks[1:]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            _child(func, items, chunk, write_end)
        os.close(write_end)
        children.append((pid, read_end))
    results: list[Any] = []
    failure: BaseException | None = None
    try:
        results.extend(func(items[i]) for i in chunks[0])
    except BaseException as exc:  # noqa: BLE001 - children are still collected below
        failure = exc
    for pid, read_end in children:
        ok, payload = _collect(pid, read_end)
        if ok:
            results.extend(payload)
        elif failure is None:
            failure = payload
    if failure is not None:
        raise failure
    return results
