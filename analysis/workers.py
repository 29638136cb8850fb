"""Work on both cores: worker processes forked with the work already in memory, sent only what to do with it.

Cleaning (analysis/corpus/load.py), VADER over many sentences (analysis/measures/sentiment.py) and the
per-article stages in chunks (analysis/pipeline.py) all run this way, through `in_workers`.
"""

from __future__ import annotations

import gc
import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context
from typing import Callable, Iterator, Sequence

#: In a forked worker: the function and the data it was forked with (inherited, never pickled).
_FORKED: tuple | None = None


def in_workers(function: Callable, tasks: Sequence, *, shared=None, workers: int | None = None) -> Iterator:
    """`function(shared, task)` for each task, yielded in the tasks' order, computed in `workers` processes.

    Parameters
    ----------
    function : called as function(shared, task) in a worker; need not be picklable (the workers inherit it).
    tasks : what to do, each small and picklable (row positions, a range), sent to a worker; the largest (by
        len) are started first, so that no worker is left with a long one at the end while the other waits.
    shared : the data the tasks refer to (a table, the texts), inherited by the workers, never pickled.
    workers : processes; default both cores. With one, one task, or no "fork" start method (elsewhere each
        worker would be sent the shared data, which costs more than it saves) everything runs here, in order.

    Returns
    -------
    An iterator of the results, in the tasks' order. Stopping early (an error, an interrupt, the consumer
    closing it) cancels the tasks not started.
    """
    workers = min(2, os.cpu_count() or 1) if workers is None else workers
    if workers <= 1 or len(tasks) < 2 or "fork" not in get_all_start_methods():
        for task in tasks:
            yield function(shared, task)
        return
    global _FORKED
    previous, _FORKED = _FORKED, (function, shared)
    # Frozen, the shared objects are never visited by a worker's garbage collector, which would write to every
    # page of them and so copy the whole shared data into each worker. An outer caller that froze already unfreezes.
    frozen = gc.get_freeze_count() == 0
    if frozen:
        gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
            order = sorted(range(len(tasks)), key=lambda k: -len(tasks[k]))
            futures = {k: pool.submit(_run_forked, tasks[k]) for k in order}
            try:
                for k in range(len(tasks)):
                    yield futures[k].result()
            except BaseException:  # a task failed, an interrupt, the consumer stopped: the rest is not waited for
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        _FORKED = previous
        if frozen:
            gc.unfreeze()


def _run_forked(task):
    function, shared = _FORKED
    return function(shared, task)
