"""What the `fazhi` commands share: exit codes, common options, and writing or printing a result.

Command modules import this module and the application layer (fazhi.app) only; main.py assembles them.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
from typing import Any, Callable

import click

from fazhi.app.rules import RuleSource
from fazhi.render.output import OutputExists, write_atomic
from fazhi.render.safe_text import terminal

EXIT_OK, EXIT_GAPS, EXIT_ERROR = 0, 1, 2

RUN = {"lang": "zh"}  # the run's language, set by main.py from --lang or FAZHI_LANG before the command runs


def _language() -> str:
    from fazhi.errors import language
    return language()


LANG = click.option("--lang", type=click.Choice(["zh", "en"]), default=_language, show_default="zh, or FAZHI_LANG",
                    help="Language of the output and of every message.")
FORCE = click.option("--force", is_flag=True, help="Overwrite an existing output file.")
PROFILE = click.option("--profile", help="Assessment profile: a name under rulesets/profiles/ or a YAML path.")
DATE = click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
                    help="Evaluation date [default: today].")


def _follow(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    from fazhi.load.reading import follow_symlinks
    follow_symlinks(value)


FOLLOW = click.option("--follow-symlinks", is_flag=True, expose_value=False, callback=_follow,
                      help="Read case files that are symlinks to places outside the case folder (refused by default).")
TEMPLATES = click.option("--templates", "templates", type=click.Path(), metavar="DIR",
                         help="A folder of templates that override the built-in ones (Markdown and HTML).")


def RULES(f: Callable[..., Any]) -> Callable[..., Any]:  # noqa: N802 - used as a decorator like the constants above
    """--rules and --rules-overlay, given to the command as one `rules: RuleSource`."""
    @functools.wraps(f)
    def combined(*args: Any, rules: tuple[str, ...] = (), rules_overlay: tuple[str, ...] = (), **kwargs: Any) -> Any:
        return f(*args, rules=RuleSource(tuple(rules), tuple(rules_overlay)), **kwargs)
    combined = click.option("--rules-overlay", "rules_overlay", multiple=True, type=click.Path(), metavar="DIR",
                            help="Your own ruleset folder on top of the rulesets: a requirement with a built-in id "
                                 "replaces it, any other is added (repeatable).")(combined)
    return click.option("--rules", "rules", multiple=True, type=click.Path(),
                        help="Ruleset files or folders instead of the built-in catalogue (repeatable).")(combined)


def day(value: dt.datetime | None) -> dt.date:
    """A --date option's value, or today."""
    return value.date() if value else dt.date.today()


def t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def refuse_overwrite(out: str | None, force: bool) -> None:
    """Fail before the work, not after it (write_atomic checks again when it writes)."""
    if out and os.path.exists(out) and not force:
        raise OutputExists(f"{out}: already exists; use --force to overwrite", f"{out}：已存在；如需覆盖请加 --force")


def echo(text: str = "", err: bool = False, nl: bool = True, made_safe: bool = False) -> None:
    """Every line the commands print: escape sequences and control characters a district name, a fact or
    a file name may carry are dropped first (safe_text.terminal). `made_safe`: text already made safe
    that carries Fazhi's own colours (render_text)."""
    click.echo(text if made_safe else terminal(text), err=err, nl=nl)


def write(out: str, content: str | bytes, force: bool) -> None:
    write_atomic(out, content, force)
    echo(f"已写入 {out}" if RUN["lang"] == "zh" else f"wrote {out}", err=True)


def emit(text: str, out: str | None, force: bool, made_safe: bool = False) -> None:
    """To the file --out names, else to the terminal (made safe for it, see echo)."""
    if out:
        write(out, text, force)
    else:
        echo(text, nl=False, made_safe=made_safe)
