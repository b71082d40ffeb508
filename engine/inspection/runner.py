"""Evaluate many cases in parallel: a process pool (fork), one Evaluator per worker, errors per case.

durable-rules keeps C state per process and its callables do not pickle, so each worker compiles the
catalogue into its own engine once (the catalogue itself is parsed once, before the fork) and then
evaluates batches of cases. A case that fails (bad facts, a bug) becomes a result with an `error`,
and the others go on. A worker that dies (a crash inside the C engine) breaks the pool: the cases it
may have held are retried one by one in a fresh pool, and a case that kills a worker again is
reported as such. Each worker also writes the case's gap report and memo when asked to, and renders
its case's parts of summary.json and summary.xlsx (render.py), so the parent only appends bytes.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import errno
import gc
import multiprocessing
import os
import signal
import time
import traceback
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from fazhi.errors import FazhiError
from fazhi.model.catalogue import Catalogue
from fazhi.model.results import Waiver
from fazhi.load.profiles import Profile
from fazhi.inspection.cells import SharedStrings
from fazhi.inspection.render import render
from fazhi.inspection.results import CaseResult, compact

Task = tuple[int, str, str]  # index, case path, slug


@dataclass(frozen=True)
class Options:
    lang: str
    on: dt.date
    profile: Profile | None
    waivers: tuple[Waiver, ...]  # from waiver files at the roots and --waivers
    out: str | None  # where districts/<slug>/ documents go; None: no documents
    templates: str | None = None
    strings: SharedStrings | None = None  # summary.xlsx's shared strings (xlsx.shared_strings), made before the fork


_context: dict[str, Any] = {}  # set before the fork; a worker adds its evaluator

# Writing errors that stop the whole run (every case would meet them): they reach the parent, which
# removes the unfinished run and reports them, instead of becoming one error per case.
STOPS_RUN = frozenset({errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EIO, errno.ENAMETOOLONG})
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """A worker gets SIGKILL when the inspect process dies (even by kill -9), so none is left orphaned."""
    parent = _context.get("parent")
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the pool's own shutdown is all there is
        return
    if parent is not None and os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _worker_init(freeze: bool = True) -> None:
    from fazhi.evaluate.evaluator import Evaluator
    if freeze:  # a pool worker (not the parent evaluating with --jobs 1)
        _die_with_parent()
    _context["evaluator"] = Evaluator(_context["catalogue"])
    if freeze:
        # A pool worker keeps all it holds now (catalogue, compiled rules, shared strings) to its end; frozen,
        # the cyclic GC no longer traverses it all at every full collection (~7% of run_case).
        gc.freeze()


def _run_batch(batch: list[Task]) -> list[CaseResult]:
    return [run_case(*task) for task in batch]


def run_case(index: int, path: str, slug: str) -> CaseResult:
    """One case in this process, with `_context` set (a worker, or the parent when --jobs 1)."""
    from fazhi.evaluate.assess import assess
    from fazhi.evaluate.scoring import score
    options: Options = _context["options"]
    started = time.perf_counter()
    try:
        evaluator = _context["evaluator"]
        profile = options.profile
        only = [r.id for r in evaluator.catalogue.requirements if profile.selects(r.id, r.domain)] if profile else None
        evaluation = assess(evaluator, path, only=only, on=options.on, waivers=options.waivers,
                            details=options.out is not None)  # the facts of each finding go only into documents
        scored = score(evaluation, profile) if profile else None
        result = compact(index, path, slug, evaluation, scored, options.lang)
        if options.out is not None:
            from fazhi.inspection.documents import write_documents
            result.documents = write_documents(options.out, slug, path, evaluation, scored, options)
        result.seconds = time.perf_counter() - started
        return render(result, options.strings)  # inside the try: a failure here too is the case's error
    except FazhiError as exc:
        result = CaseResult(index, path, slug, error=exc.render(options.lang))  # in the run's language
    except OSError as exc:
        if exc.errno in STOPS_RUN:
            raise
        result = CaseResult(index, path, slug, error=f"{exc.strerror}: {exc.filename}")
    except Exception as exc:  # noqa: BLE001 - a bug must not stop the other cases
        detail = traceback.format_exc() if os.environ.get("FAZHI_DEBUG") else ""
        result = CaseResult(index, path, slug, error=f"internal error: {exc!r} {detail}".strip())
    result.seconds = time.perf_counter() - started
    return render(result, None)


def run(tasks: list[Task], catalogue: Catalogue, options: Options, jobs: int,
        on_result: Callable[[CaseResult], None] | None = None) -> Iterator[CaseResult]:
    """Every task's result, in the order they finish."""
    _context.clear()
    _context.update(catalogue=catalogue, options=options, parent=os.getpid())
    if jobs <= 1 or len(tasks) <= 1:
        _worker_init(freeze=False)  # this process may go on after the run: frozen objects are never freed
        for task in tasks:
            yield run_case(*task)
        return
    size = max(1, min(16, len(tasks) // (jobs * 8)))
    batches = [tasks[i:i + size] for i in range(0, len(tasks), size)]
    yield from _pooled(batches, jobs)


def _pooled(batches: list[list[Task]], jobs: int) -> Iterator[CaseResult]:
    """Batches in a pool; after a worker dies, the unfinished cases once more one per task, then any
    still unfinished alone in a pool of one, so a crash names its case and costs the others nothing."""
    suspects: list[Task] = []
    yield from _round(batches, jobs, suspects)
    if suspects:
        again: list[Task] = []
        yield from _round([[t] for t in sorted(suspects)], jobs, again)
        for task in sorted(again):
            last: list[Task] = []
            yield from _round([[task]], 1, last)
            if last:
                index, path, slug = task
                yield render(CaseResult(index, path, slug, error="the evaluation crashed its worker process "
                                                                 "(a fault inside the rule engine)"), None)


def _round(batches: list[list[Task]], jobs: int, unfinished: list[Task]) -> Iterator[CaseResult]:
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_worker_init) as pool:
        futures: dict[Future[list[CaseResult]], list[Task]] = {pool.submit(_run_batch, b): b for b in batches}
        try:
            for future in as_completed(futures):
                try:
                    yield from future.result()
                except BrokenProcessPool:  # a worker died: every unfinished batch lands here
                    unfinished.extend(futures[future])
        except BaseException:  # the run stops (a full disk, an interrupt): the batches not started never start
            pool.shutdown(wait=True, cancel_futures=True)
            raise
