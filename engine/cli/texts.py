"""The command line's help in Chinese, and which language `--help` speaks.

The English help is written beside each option (the source of truth for what an option does); this
table gives the Chinese of each, keyed by command path and option name. tests/test_cli_layers.py
fails when a command or option lacks its Chinese text.

Language of --help: FAZHI_LANG=zh|en if set; else `--lang zh|en` on the command line; else the locale
(LC_ALL, LC_MESSAGES, LANG) when it starts with zh; else English.
"""
from __future__ import annotations

import os
from typing import Mapping, Sequence

import click

# command path ("" for the group) -> {"": the command's help, "--option" or "ARGUMENT": the option's help}
ZH: dict[str, dict[str, str]] = {
    "": {"": "Fazhi（法治）：对照法治政府建设要求检查区县的填报事实。\n\n"
             "帮助默认为英文；设置 FAZHI_LANG=zh、在命令行加 --lang zh 或使用中文区域设置（LANG=zh_CN.UTF-8）即显示中文帮助。",
         "--version": "显示版本并退出。", "--help": "显示本帮助并退出。"},
    "check": {"": "检查一个案例（含 facts.yaml 的文件夹），逐项给出结论。\n\n退出码：0 无差距，1 有差距或数据质量问题，2 输入有误。",
              "--format": "text 供终端阅读，json 供程序读取（含清单），markdown 供文档使用。",
              "--out": "写入此文件，而不是输出到终端。",
              "--memo": "上一轮的 memo.json：逐项标注已销号、未整改、反弹或待核验（整改销号）。"},
    "validate": {"": "检查规则集：语法、结构、运算符、事实与引用；每个问题给出 文件:行:列。"},
    "verify": {"": "按结论 JSON 中记录的输入重新计算，说明结论是否一致。"},
    "rules": {"": "浏览和测试要求目录。"},
    "rules list": {"": "逐行列出要求；来自叠加规则集的要求会标注。",
                   "--domain": "只列此领域：领域代码（three-systems）或名称（三项制度）。",
                   "--as-of": "只列此日期有效的要求。", "--format": "text 供终端阅读，json 供程序读取。"},
    "rules show": {"": "显示一项要求（编号不区分大小写）：条文、依据及所需事实。"},
    "rules doc": {"": "以 Markdown 输出要求目录（先中文后英文）：依据、检查与问题。",
                  "--out": "写入此文件（如 docs/catalogue.md）。"},
    "rules test": {"": "运行每项要求的测试用例；有用例失败或某种结论缺少用例时失败。", "--verbose": "列出每个用例。"},
    "report": {"": "生成差距报告：概述、存在的问题、需补充的材料，以及全部要求的附件。",
               "--out": "要写入的文件，扩展名决定格式（.md、.html、.docx）［默认：以 Markdown 输出到终端］。",
               "--memo": "上一轮的 memo.json：逐项标注已销号、未整改或反弹（整改销号）。",
               "--issuer": "署名（发文机关）［默认：事实文件 submitted.by］。",
               "--addressee": "主送机关［默认：上一级党委和政府，如“中共焦作市委、焦作市人民政府”］。"},
    "memo": {"": "生成整改方案：每个差距一项，含整改措施、责任单位、期限和验收标准。",
             "--out": "要写入的文件，扩展名决定格式（.md、.html、.docx、.json）［默认：以 Markdown 输出到终端］。",
             "--memo": "上一轮的 memo.json：逐项标注已销号、未整改或反弹（整改销号）。",
             "--deadlines": "按等级设定整改天数，如 critical=30,major=90,minor=180,advisory=180；此处给出的等级优先于规则集的期限。",
             "--owners": "责任角色与领域对应的单位［默认：事实文件旁的 owners.yaml］。",
             "--issuer": "署名（发文机关）［默认：事实文件 submitted.by］。"},
    "questionnaire": {"": "为所选要求需要的事实生成问卷。",
                      "--departments": "部门清单（YAML：id、name、kind）：--out 即为文件夹，内含区级汇总工作簿和每个部门的工作簿。",
                      "--out": "q.xlsx（工作簿）或 q.yaml（带注释的事实文件）。",
                      "--district": "填入区县名称。", "--period": "填入评估年度。",
                      "--departments": "部门列表（YAML，每项含id、name、kind）：--out 即为文件夹，内含区级汇总工作簿和每个部门各一个工作簿。"},
    "import": {"": "把填好的问卷工作簿读回事实文件（多个工作簿即区级汇总和各部门的，合并为一个案例）；每个问题都指明 工作簿、工作表和单元格。",
               "--out": "要写入的事实文件，如 cases/macun-2021/facts.yaml。"},
    "extract": {"": "从年度报告文本中提取拟填事实，每项附原句，供人工确认。",
                "--out": "要写入的事实草稿［默认：输出到终端］。",
                "--district": "报告中没有写明时，给出区县名称。", "--period": "标题中没有写明时，给出报告年度。",
                "--patterns": "提取规则文件夹［默认：规则集旁的 extraction/］。"},
    "inspect": {"": "并行评估 PATHS 下的所有案例，写出汇总、汇总表和看板。",
                "--out": "存放 summary.json、summary.xlsx、index.html 及各区县文书的文件夹。",
                "--jobs": "工作进程数［默认：每个 CPU 一个］；1 表示在本进程内评估。",
                "--waivers": "适用于所有案例的 waivers.yaml（另加案例旁和所给路径下的豁免文件）。",
                "--documents": "在看板旁写出各区县的差距报告和整改方案。",
                "--top": "打印排名的行数（0：全部）。"},
    "serve": {"": "启动网页应用（首次运行时创建实例文件夹和数据库）。", "--host": "监听地址。", "--port": "监听端口。",
              "--workers": "服务进程数；每个CPU核一个，多人保存时可并行重新评估。"},
    "db": {"": "网页应用的数据库。"},
    "db upgrade": {"": "创建数据库或迁移到最新结构。"},
    "users": {"": "网页应用的用户。"},
    "users add": {"": "添加用户（密码在提示时输入，或读取 FAZHI_PASSWORD）。",
                  "--role": "角色：coordinator、department、inspector 或 admin。",
                  "--district": "区县名称（coordinator、department）。", "--department": "区县内的部门编号或名称（department）。",
                  "--region": "地区名称（inspector），如 焦作市。", "--password": "密码。"},
    "import-case": {"": "把案例文件夹（facts.yaml、verifications.yaml、waivers.yaml、evidence/）加入数据库。"},
    "export-case": {"": "把一个案例按 cases/ 的格式写成文件夹（即备份）。", "--out": "一个新文件夹。"},
    "diff": {"": "从 OLD 到 NEW 的变化：新增、反弹、持续、已整改、待核验或已豁免的结论，及整改状态。\n\n"
                 "OLD 和 NEW 可以是 `fazhi inspect` 的输出（文件夹或 summary.json）、`fazhi check` 的结论 JSON 或案例文件夹。",
             "--format": "text 供终端阅读，json 供程序读取。", "--out": "写入此文件，而不是输出到终端。"},
}
SHARED = {  # options that read the same in every command
    "--lang": "输出语言。", "--force": "覆盖已存在的输出文件。", "--help": "显示本帮助并退出。",
    "--profile": "评估方案：rulesets/profiles/ 下的名称或 YAML 路径。",
    "--date": "评估日期［默认：今天］；期限从此日起算。",
    "--rules": "用这些规则集文件或文件夹代替内置目录（可重复）。",
    "--rules-overlay": "在规则集之上叠加自己的规则集文件夹：编号与内置要求相同的替换之，其余为新增（可重复）。",
    "--templates": "覆盖内置模板的模板文件夹（Markdown 和 HTML）。",
    "--follow-symlinks": "读取指向案例文件夹以外位置的符号链接文件（默认拒绝）。",
    "--db": "数据库地址（postgresql://…）［默认：实例文件夹中的 SQLite］。",
    "--instance": "实例文件夹：SQLite 文件、密钥、上传文件［默认：./instance］。",
}


def help_language(argv: Sequence[str], environ: Mapping[str, str] = os.environ) -> str:
    """zh or en, as the module docstring says."""
    chosen = environ.get("FAZHI_LANG", "").strip().lower()
    if chosen in ("zh", "en"):
        return chosen
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in ("zh", "en"):
            return argv[i + 1]
        if arg in ("--lang=zh", "--lang=en"):
            return arg[7:]
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    """Every command under the group, with its path ("rules list"); the group itself first."""
    found: list[tuple[str, click.Command]] = [(prefix, group)] if not prefix else []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}".strip()
        found.append((path, command))
        if isinstance(command, click.Group):
            found += commands(command, path)
    return found


def zh_text(path: str, param: click.Parameter | None) -> str | None:
    table = ZH.get(path, {})
    if param is None:
        return table.get("")
    name = max(param.opts, key=len) if param.opts else param.name or ""
    return table.get(name) or SHARED.get(name)


def localize(group: click.Group, lang: str) -> None:
    """Give every command and option of the group its help in `lang` (the English, written beside each
    option, is kept aside the first time, so a later call can give it back)."""
    for path, command in commands(group):
        english = _ENGLISH.setdefault(id(command), (command.help, command.short_help))
        text = zh_text(path, None) if lang == "zh" else None
        command.help, command.short_help = (text, text.split("。")[0] + "。") if text else english
        # click makes -h/--help itself (once per command, then kept): make it now, then word it like the rest
        made = command.get_help_option(click.Context(command, help_option_names=["-h", "--help"]))
        for param in command.params + ([made] if made is not None else []):
            if isinstance(param, click.Option) and param.help:
                original = _ENGLISH.setdefault(id(param), (param.help, None))[0]
                param.help = (zh_text(path, param) if lang == "zh" else None) or original


_ENGLISH: dict[int, tuple[str | None, str | None]] = {}  # id of a command or option -> its English help


# click's own usage errors, in Chinese: the common ones by pattern; any other keeps click's wording after
# a Chinese head, so a Chinese run never prints an English line alone.
_USAGE_ZH = [
    (r"Missing argument '(?P<v>.+)'\.", "缺少参数 {v}。"),
    (r"Missing option '(?P<v>.+)'\.", "缺少选项 {v}。"),
    (r"No such option:? '?(?P<v>[^'\s]+)'?\.?(?: Did you mean '?(?P<s>[^'?]+)'?\?)?", "没有选项 {v}。"),
    (r"No such command '(?P<v>[^']+)'\.(?: Did you mean '(?P<s>[^']+)'\?)?", "没有命令“{v}”。"),
    (r"Got unexpected extra arguments? \((?P<v>.+)\)", "多余的参数：{v}。"),
    (r"Option '(?P<v>.+)' requires an argument\.", "选项 {v} 需要一个值。"),
    (r"Invalid value for '(?P<v>[^']+)': '(?P<w>.*)' is not one of (?P<c>.+)\.", "{v} 的值“{w}”无效，可选：{c}。"),
    (r"Invalid value for '(?P<v>[^']+)': (?P<w>.+)", "{v} 的值无效：{w}"),
]


def show_usage_error(exc: click.ClickException, lang: str) -> None:
    """click's error (a wrong option, a missing argument) in the run's language, with how to get help. It
    quotes the arguments given, so it is made safe for the terminal like every other line."""
    from fazhi.render.safe_text import terminal
    if lang == "en":
        import io
        shown = io.StringIO()
        exc.show(file=shown)
        click.echo(terminal(shown.getvalue()), err=True, nl=False)
        return
    import re
    message = exc.format_message()
    for pattern, template in _USAGE_ZH:
        m = re.fullmatch(pattern, message, re.S)
        if m:
            found = {k: v or "" for k, v in m.groupdict().items()}
            message = template.format(**found)
            if found.get("s"):
                message += f"是否应为 {found['s']}？"
            break
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        click.echo(ctx.get_usage().replace("Usage:", "用法：", 1), err=True)
        click.echo(f"运行 `{ctx.command_path} --help` 查看帮助。", err=True)
    click.echo(terminal(f"错误：{message}"), err=True)
