"""Reading an input file safely: only regular files, never more than a limit, never outside its folder.

Every file Fazhi reads (facts, verifications, waivers, owners, rulesets, profiles, memo.json,
findings JSON, workbooks, report text, user templates) comes through `read_bytes`:
- the type is checked with os.stat before opening, so a FIFO with no writer, /dev/zero or a socket is
  refused at once instead of hanging or growing without end;
- the file is opened non-blocking and read in chunks up to limit + 1 bytes, whatever size it claims
  (a FIFO or a file that grows while read stops at the limit);
- a file beside a case that resolves outside the case folder (a symlink to /etc/passwd) is refused,
  unless the user asked to follow symlinks (`--follow-symlinks`).
While `record_reads()` is active, the SHA-256 of the bytes actually read is kept for each file, so a
manifest records the inputs the result was computed from, not a second read of them.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from typing import Iterator

from fazhi.errors import InputError, Location, Problem, excerpt

MAX_FILE_BYTES = 20 * 1024 * 1024
_CHUNK = 1024 * 1024

_follow_symlinks = False
_recorded: dict[str, str] | None = None  # abspath -> "sha256:…" while record_reads() is active


def follow_symlinks(on: bool = True) -> None:
    """`--follow-symlinks`: read case files that resolve outside their case folder (off by default)."""
    global _follow_symlinks
    _follow_symlinks = on


def following_symlinks() -> bool:
    return _follow_symlinks


@contextlib.contextmanager
def record_reads() -> Iterator[dict[str, str]]:
    """The SHA-256 of every file read in the block, keyed by absolute path."""
    global _recorded
    previous, _recorded = _recorded, {}
    try:
        yield _recorded
    finally:
        _recorded = previous


def _kind(mode: int) -> tuple[str, str]:
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）", "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件", "a device"
    if stat.S_ISSOCK(mode):
        return "套接字", "a socket"
    return "特殊文件", "a special file"


def _refuse(file: str, zh: str, en: str, suggestion: str | None = None, suggestion_zh: str | None = None) -> InputError:
    return InputError([Problem(Location(file), en, suggestion=suggestion, zh=zh, suggestion_zh=suggestion_zh)])


def read_bytes(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES, what: str = "file") -> bytes:
    """The whole content of a regular file of at most `limit` bytes, or an InputError naming the file."""
    file = str(path)
    try:
        info = os.stat(file)
    except FileNotFoundError:
        raise _refuse(file, "文件不存在", f"no such {what}") from None
    except OSError as exc:
        raise _refuse(file, f"无法读取：{exc.strerror}", f"cannot read: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise _refuse(file, "是文件夹，应为文件", f"is a directory, expected a {what}")
    if not stat.S_ISREG(info.st_mode):
        zh, en = _kind(info.st_mode)
        raise _refuse(file, f"是{zh}，不是普通文件，拒绝读取", f"is {en}, not a regular file: refused",
                      suggestion="copy the content into an ordinary file", suggestion_zh="请把内容复制到普通文件中")
    if info.st_size > limit:
        raise _too_big(file, info.st_size, limit)
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _refuse(file, f"无法读取：{exc.strerror}", f"cannot read: {exc.strerror}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced between the stat and the open
            zh, en = _kind(os.fstat(fd).st_mode)
            raise _refuse(file, f"是{zh}，不是普通文件，拒绝读取", f"is {en}, not a regular file: refused")
        chunks, total = [], 0
        while total <= limit:  # stop at limit + 1 bytes whatever the file claims: it may grow while read
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise _refuse(file, f"无法读取：{exc.strerror}", f"cannot read: {exc.strerror}") from None
    finally:
        os.close(fd)
    if total > limit:
        raise _too_big(file, total, limit, at_least=True)
    raw = b"".join(chunks)
    if _recorded is not None:
        _recorded[os.path.abspath(file)] = "sha256:" + hashlib.sha256(raw).hexdigest()
    return raw


def _too_big(file: str, size: int, limit: int, at_least: bool = False) -> InputError:
    more = "超过" if at_least else ""
    return InputError([Problem(Location(file), f"file is {'more than ' if at_least else ''}{size:,} bytes; the limit is {limit:,}",
                               suggestion="split the case or remove embedded documents",
                               zh=f"文件{more}{size:,}字节，上限为{limit:,}", suggestion_zh="请拆分案例或删去嵌入的文档")])


def confine(files: list[str], folder: str) -> None:
    """Refuse any of `files` (those that exist) that resolve outside `folder`, unless following symlinks.

    A district's folder is the district's: a facts.yaml there that is a symlink to /etc/passwd or to
    another district's file must not be read as if the district had written it."""
    if _follow_symlinks:
        return
    root = os.path.realpath(folder)
    problems = []
    for file in files:
        if not os.path.lexists(file):
            continue
        real = os.path.realpath(file)
        if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
            problems.append(Problem(Location(file), f"resolves outside its case folder (to {excerpt(real)}): refused",
                                    suggestion="copy the file into the case folder, or give --follow-symlinks",
                                    zh=f"指向案件文件夹之外（{excerpt(real)}），拒绝读取",
                                    suggestion_zh="请把文件复制到案例文件夹中，或加 --follow-symlinks"))
    if problems:
        raise InputError(problems)


def confine_case(case_path: str, names: tuple[str, ...]) -> None:
    """The files `names` beside a case (a folder, or its facts file) stay inside the case folder."""
    folder = case_path if os.path.isdir(case_path) else os.path.dirname(os.path.abspath(case_path))
    files = [os.path.join(folder, n) for n in names]
    if not os.path.isdir(case_path):
        files.append(case_path)
    confine(files, folder)

