"""Map a function over items on every core, by forking (no pickling of the function).

Rendering is CPU-bound Python, so threads do not help; forked children inherit
the compiled templates and loaded config, do their share, and send back only
their results. Where fork is unavailable, or there is one core or one item, it
is a plain loop. Results come back in input order, and the first exception of
any item is raised in the parent, as a plain loop would.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def _chunks(count: int, workers: int) -> list[range]:
    size = -(-count // workers)
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def fork_map(func: Callable[[T], R], items: Sequence[T], workers: int | None = None) -> list[R]:
    """``[func(item) for item in items]``, spread over ``workers`` processes (default: the cores)."""
    workers = min(len(items), workers or os.cpu_count() or 1)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [func(item) for item in items]
    context = multiprocessing.get_context("fork")
    chunks = _chunks(len(items), workers)
    children = []
    for chunk in chunks[1:]:
        receive, send = context.Pipe(duplex=False)

        def work(indexes: range = chunk, pipe: Any = send) -> None:
            try:
                pipe.send((True, [func(items[i]) for i in indexes]))
            except BaseException as exc:  # noqa: BLE001 - carried to the parent and raised there
                pipe.send((False, exc))
            finally:
                pipe.close()

        process = context.Process(target=work, daemon=True)
        process.start()
        send.close()
        children.append((process, receive))
    results: list[Any] = []
    failure: BaseException | None = None
    try:
        results.extend(func(items[i]) for i in chunks[0])
    except BaseException as exc:  # noqa: BLE001 - children are still collected below
        failure = exc
    for process, receive in children:
        try:
            ok, payload = receive.recv()
        except (EOFError, pickle.UnpicklingError) as exc:
            payload, ok = RuntimeError(f"a render worker died ({exc})"), False
        process.join()
        if ok:
            results.extend(payload)
        elif failure is None:
            failure = payload
    if failure is not None:
        raise failure
    return results
