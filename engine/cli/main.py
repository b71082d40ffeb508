"""The `fazhi` command: assembles the command modules into one group and maps errors to exit codes.

Exit codes: 0 no gap, 1 at least one gap or data-quality finding (or a failing rule test), 2 usage or input error, or an
operating-system error such as a full disk or a read-only folder (nothing is written then), 3 an
internal error (a bug in Fazhi: please report it).
Each command module (check, rules, documents, intake, inspect) is a thin layer over fazhi.app and
imports only cli/options.py; this module alone imports them.
"""
from __future__ import annotations

import os
import sys

import click

from fazhi.cli import check, documents, inspect, intake, options, rules, texts, web
from fazhi.cli.options import EXIT_ERROR, echo
from fazhi.errors import FazhiError, language


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fazhi")
def cli() -> None:
    """Fazhi (法治): check a district's facts against law-based-government requirements.

    Help is in English unless FAZHI_LANG=zh, --lang zh on the command line, or a Chinese locale (LANG=zh_CN.UTF-8)."""


for command in (check.check, check.validate, check.verify, rules.rules, documents.report, documents.memo,
                intake.questionnaire, intake.import_, intake.extract, inspect.inspect, inspect.diff):
    cli.add_command(command)
web.register(cli)  # serve, db, users, import-case, export-case: the web app's commands


def main() -> None:
    texts.localize(cli, texts.help_language(sys.argv[1:]))
    lang = options.RUN["lang"] = _argv_lang()  # every message of the run, errors included, in one language
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        echo("已中止" if lang == "zh" else "aborted", err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as exc:
        texts.show_usage_error(exc, lang)
        sys.exit(EXIT_ERROR)
    except FazhiError as exc:
        echo(exc.render(lang), err=True)
        sys.exit(EXIT_ERROR)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:  # `fazhi report CASE | head`: the reader has had enough; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        sys.exit(0)
    except OSError as exc:  # full disk, read-only folder, name too long: the user's to fix, not a bug
        from fazhi.errors import os_error_message
        echo(os_error_message(exc, lang), err=True)
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # a bug in Fazhi, not in the input: say so without a traceback
        if os.environ.get("FAZHI_DEBUG"):
            raise
        echo(f"内部错误：{exc!r}（设置 FAZHI_DEBUG=1 可看详情，请报告此问题）" if lang == "zh" else
                   f"internal error: {exc!r} (set FAZHI_DEBUG=1 for details and please report it)", err=True)
        sys.exit(3)


def _argv_lang() -> str:
    """The run's language: --lang on the command line, else FAZHI_LANG, else Chinese (fazhi.errors.language).
    Read before the command runs, so that an error met while parsing its options speaks it too."""
    args = sys.argv[1:]
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return language(args[i + 1])
        if arg.startswith("--lang="):
            return language(arg.split("=", 1)[1])
    return language()
