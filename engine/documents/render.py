"""Markdown and HTML through Jinja2 templates: a user's `--templates DIR` first, then the project's templates/.

The environment is sandboxed, an undefined variable is an error, and HTML (names ending .html or
.html.j2) is autoescaped. Any template error becomes an InputError naming the template file and
line, so the CLI exits 2 with something the template's author can act on.
"""
from __future__ import annotations

import dataclasses
import functools
import os
import re
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2

from fazhi.resources import templates_folder
import jinja2.sandbox

from fazhi.documents.sandbox import BoundedSandbox, TemplateSizeError, bounded_filters

from fazhi.errors import InputError, Location, Problem
from fazhi.documents import labels as L
from fazhi.render.safe_text import MarkdownText, markdown_text

TEMPLATE_DIR = templates_folder()
TEMPLATES = {("report", "md"): "gap_report.md.j2", ("report", "html"): "gap_report.html.j2",
             ("memo", "md"): "memo.md.j2", ("memo", "html"): "memo.html.j2"}


def _autoescape(name: str | None) -> bool:
    return bool(name) and (name.endswith(".html.j2") or name.endswith(".html"))


def _cell(value: Any) -> str:
    """Text safe inside a Markdown table cell (text the view escaped already only has its newlines turned into <br>)."""
    if isinstance(value, MarkdownText):
        return value.replace("\n", "<br>")
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def search_path(user_dir: str | None) -> list[str]:
    dirs = [str(TEMPLATE_DIR)]
    if user_dir is not None:
        if not os.path.isdir(user_dir):
            raise InputError([Problem(Location(user_dir), "--templates must name a folder of *.j2 templates",
                                      suggestion=f"copy the ones in {TEMPLATE_DIR} and edit them")])
        dirs.insert(0, user_dir)
    return dirs


def environment(user_dir: str | None = None) -> jinja2.Environment:
    """One environment per template folder and process: templates compile once (inspect renders thousands)."""
    return _environment(tuple(search_path(user_dir)))


@functools.lru_cache(maxsize=8)
def _environment(dirs: tuple[str, ...]) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(d) for d in dirs])
    env = BoundedSandbox(loader=loader, undefined=jinja2.StrictUndefined, autoescape=_autoescape,
                         trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["cell"] = _cell
    bounded_filters(env)
    return env


def render(kind: str, fmt: str, view: Any, user_dir: str | None = None) -> str:
    """The report or memo view as Markdown or HTML text."""
    name = TEMPLATES[(kind, fmt)]
    if fmt == "md":
        view = markdown_view(view)
    context = {"doc": view, "lang": view.lang, "L": L.LABELS[view.lang], "V": L.VERDICT[view.lang],
               "S": L.STATUS[view.lang]}
    text = render_template(name, context, user_dir)
    if fmt == "md":
        text = re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", text))
    return text.rstrip("\n") + "\n"


def markdown_view(value: Any) -> Any:
    """The view with every text escaped for Markdown (safe_text.markdown_text): a district name, a fact
    or a record id shows as written and can neither start a heading or list nor carry raw HTML. The
    view's texts are plain text (DOCX shows them as they are), so escaping all of them changes no
    wording; line breaks stay, for the `cell` filter to turn into <br>."""
    if isinstance(value, str):
        return value if isinstance(value, MarkdownText) else markdown_text(value, inline=False)
    if isinstance(value, tuple):
        return tuple(markdown_view(v) for v in value)
    if isinstance(value, list):
        return [markdown_view(v) for v in value]
    if isinstance(value, Mapping):
        return {k: markdown_view(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: markdown_view(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    return value


def render_template(name: str, context: dict[str, Any], user_dir: str | None = None) -> str:
    dirs = search_path(user_dir)
    env = environment(user_dir)
    try:
        return env.render_bounded(env.get_template(name), context)  # type: ignore[attr-defined]
    except jinja2.TemplateSyntaxError as exc:
        raise InputError([Problem(Location(exc.filename or name, exc.lineno), f"template syntax error: {exc.message}")]) from None
    except jinja2.TemplateNotFound as exc:
        raise InputError([Problem(Location(str(exc.name or name)), "template not found",
                                  suggestion="looked in " + ", ".join(dirs))]) from None
    except TemplateSizeError as exc:  # inside an expression (its line), or the output as a whole (the template)
        where = _template_frame(exc.__traceback__, dirs) or Location(_template_file(env, name))
        raise InputError([Problem(where, f"template error: {exc.message}", zh=f"模板有误：{exc.zh}",
                                  suggestion="a template may not build values or output of that size; see docs/limits.md",
                                  suggestion_zh="模板不得生成如此大的值或输出，见docs/limits.md")]) from None
    except Exception as exc:  # noqa: BLE001 - an error raised while a template runs is the template's
        where = _template_frame(exc.__traceback__, dirs)
        if where is None:
            raise
        message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else f"{type(exc).__name__}: {exc}"
        raise InputError([Problem(where, f"template error: {message}")]) from None


def _template_file(env: jinja2.Environment, name: str) -> str:
    try:
        return env.get_template(name).filename or name
    except jinja2.TemplateError:
        return name


def _template_frame(tb: TracebackType | None, dirs: list[str]) -> Location | None:
    """The innermost traceback frame that is a line of a template (Jinja rewrites frames to point there)."""
    roots = [os.path.abspath(d) for d in dirs]
    found = None
    while tb is not None:
        file = tb.tb_frame.f_code.co_filename
        if file.endswith(".j2") or any(os.path.abspath(file).startswith(r + os.sep) for r in roots):
            found = Location(file, tb.tb_lineno)
        tb = tb.tb_next
    return found
