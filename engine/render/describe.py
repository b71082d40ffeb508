"""Conditions in words, for the catalogue and for acceptance criteria: "法制审核人员占比 ≥ 5"."""
from __future__ import annotations

from fazhi.formatting import display
from fazhi.model.conditions import AllOf, AnyOf, Compare, Condition, Exists, InnerRef, Literal, NotOf, Operand, VarRef
from fazhi.model.catalogue import Requirement

_JOIN = {"all": ("且", " and "), "any": ("或", " or ")}


def describe(cond: Condition, req: Requirement, lang: str) -> str:
    zh = lang != "en"
    if isinstance(cond, Compare):
        return f"{_operand(cond.left, req, lang)} {cond.op.symbol} {_operand(cond.right, req, lang)}"
    if isinstance(cond, (AllOf, AnyOf)):
        word = _JOIN["all" if isinstance(cond, AllOf) else "any"][0 if zh else 1]
        parts = [describe(item, req, lang) for item in cond.items]
        return word.join(f"（{p}）" if zh else f"({p})" for p in parts) if len(parts) > 1 else parts[0]
    if isinstance(cond, NotOf):
        return f"并非（{describe(cond.item, req, lang)}）" if zh else f"not ({describe(cond.item, req, lang)})"
    assert isinstance(cond, Exists)
    where = "，".join(describe(c, req, lang) for c in cond.where) if zh else ", ".join(describe(c, req, lang) for c in cond.where)
    return f"存在{cond.records}记录：{where}" if zh else f"some {cond.records} record with {where}"


def _operand(o: Operand, req: Requirement, lang: str) -> str:
    if isinstance(o, VarRef):
        var = req.var(o.name)
        unit = f"（{var.unit.get(lang)}）" if var.unit and lang != "en" else f" ({var.unit.get(lang)})" if var.unit else ""
        return var.label.get(lang) + unit
    if isinstance(o, InnerRef):
        return ("对方记录的" if lang != "en" else "its ") + ("编号" if o.field == "ref" and lang != "en" else "id" if o.field == "ref" else o.field)
    assert isinstance(o, Literal)
    return display(o.value).get(lang)
