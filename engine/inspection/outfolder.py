"""Where an inspection is written: a fresh folder beside --out, swapped in whole at the end, under a lock.

A run never writes into the previous inspection. It writes into `.<out>.fazhi-run-XXXX` beside it
and, once everything is written and synced, exchanges that folder with --out in one step (Linux
renameat2 RENAME_EXCHANGE; elsewhere two renames). So a run killed at any point (kill -9, a full
disk, a crash) leaves the previous inspection as it was, never a mixture of two runs; what it left
behind is removed by the next run. A lock file beside --out (`.<out>.fazhi-lock`, flock) makes a
second run into the same folder stop at once with "busy"; the lock goes with the process that holds
it, however it ends.

--out may be missing, empty, or hold a previous inspection (replaced only with --force). A folder
holding anything else is never replaced, even with --force: the run names what it holds.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
import tempfile

from fazhi.errors import InputError, Location, Problem

OURS = frozenset({"summary.json", "summary.xlsx", "index.html", "sort.js", "districts"})
_RENAME_EXCHANGE = 2


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class RunFolder:
    """with RunFolder(out, force) as run: write into run.path; run.commit() swaps it in."""

    def __init__(self, out: str, force: bool):
        self.out = os.path.abspath(out)
        self.force = force
        self.parent = os.path.dirname(self.out)
        self.name = os.path.basename(self.out)
        self.path = ""
        self._lock_fd: int | None = None
        self._committed = False

    def __enter__(self) -> "RunFolder":
        os.makedirs(self.parent, exist_ok=True)
        self._lock()
        try:
            self._clean_stale()
            self._check_target()
            self.path = tempfile.mkdtemp(prefix=f".{self.name}.fazhi-run-", dir=self.parent)
            mode = os.stat(self.out).st_mode & 0o7777 if os.path.isdir(self.out) else 0o777 & ~_umask()
            os.chmod(self.path, mode)  # mkdtemp makes it private; the inspection keeps the folder's mode
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if not self._committed and self.path:
                shutil.rmtree(self.path, ignore_errors=True)
        finally:
            self._unlock()

    def commit(self) -> None:
        """Swap the written folder in for --out (after syncing it), then remove the previous one."""
        _sync_tree(self.path)
        if os.path.lexists(self.out):
            if not _exchange(self.path, self.out):
                old = tempfile.mkdtemp(prefix=f".{self.name}.fazhi-old-", dir=self.parent)
                os.rename(self.out, os.path.join(old, "previous"))
                os.rename(self.path, self.out)  # a kill between the two renames: the next run restores `previous`
                self.path = old
        else:
            os.rename(self.path, self.out)
            self.path = ""
        _sync_folder(self.parent)
        self._committed = True
        if self.path:
            shutil.rmtree(self.path, ignore_errors=True)  # the previous inspection, now beside it

    # --- the lock, leftovers and the target -----------------------------------------------------

    def _lock(self) -> None:
        lock = os.path.join(self.parent, f".{self.name}.fazhi-lock")
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise InputError([Problem(Location(self.out), "busy: another `fazhi inspect` is writing into this folder",
                                      suggestion="wait for it to finish, or give another --out",
                                      zh="另一个 fazhi inspect 正在写入此文件夹", suggestion_zh="请等它完成，或另给 --out")]) from None
        self._lock_fd = fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # the lock file stays: removing it would race with a run taking it
            self._lock_fd = None

    def _clean_stale(self) -> None:
        """What a killed run left (we hold the lock, so no live run owns any of it)."""
        for entry in os.listdir(self.parent):
            path = os.path.join(self.parent, entry)
            if entry.startswith(f".{self.name}.fazhi-old-"):
                previous = os.path.join(path, "previous")
                if os.path.isdir(previous) and not os.path.lexists(self.out):
                    os.rename(previous, self.out)  # killed between the two renames of a swap
                shutil.rmtree(path, ignore_errors=True)
            elif entry.startswith(f".{self.name}.fazhi-run-"):
                shutil.rmtree(path, ignore_errors=True)

    def _check_target(self) -> None:
        if not os.path.lexists(self.out):
            return
        if os.path.islink(self.out) or not os.path.isdir(self.out):
            raise InputError([Problem(Location(self.out), "--out is not a folder",
                                      suggestion="give a new or an inspection's folder", zh="--out 不是文件夹",
                                      suggestion_zh="请给一个新文件夹或以前检查的输出文件夹")])
        held = sorted(os.listdir(self.out))
        foreign = [n for n in held if n not in OURS and not n.startswith(".fazhi-")]  # or a temp of an old version
        if foreign:
            shown = ", ".join(foreign[:5]) + (" …" if len(foreign) > 5 else "")
            raise InputError([Problem(Location(self.out), f"holds files that are not an inspection's ({shown}): not "
                                                          "replaced, even with --force",
                                      suggestion="give a new or empty folder as --out",
                                      zh=f"文件夹中有非 Fazhi 输出的文件（{shown}），即使加 --force 也不予替换",
                                      suggestion_zh="请给一个新的或空的文件夹作为 --out")])
        if held and not self.force:
            raise InputError([Problem(Location(self.out), "already holds an inspection (" + ", ".join(held) + ")",
                                      suggestion="use --force to overwrite it",
                                      zh="已有一次检查的输出（" + "、".join(held) + "）", suggestion_zh="如需覆盖请加 --force")])


def _exchange(a: str, b: str) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where that is not available."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):  # a filesystem or kernel without it
        return False
    raise OSError(code, os.strerror(code), b)


def _sync_folder(path: str) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_tree(root: str) -> None:
    """Everything the run wrote, on disk before the swap publishes it: one syncfs of the file system
    holding it (Linux), not an fsync per file; elsewhere os.sync()."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        if getattr(libc, "syncfs", None) is None or libc.syncfs(fd) != 0:
            os.sync()
    except OSError:
        os.sync()
    finally:
        os.close(fd)
