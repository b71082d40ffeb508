"""Internal identifiers → the words a reader knows, for Chinese (and English) prose.

Rulesets write acceptance criteria with fact keys ("three_systems.records.complete 为“是”",
"review_opinion_on ≤ deliberated_on"); a document handed up says “执法案卷原始材料齐全”为“是”.
A dotted key becomes its fact's label; a bare field name becomes the label of that field of the
requirement's records, or of a sibling fact; an enum code becomes its Chinese choice. Whatever is
not known stays as written, so the identifier test finds it rather than a silent guess.
"""
from __future__ import annotations

import re

from fazhi.model.catalogue import Catalogue, Requirement

_DOTTED = re.compile(r"[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)+(?:\.\*)?")
_CHOICE = re.compile(r"\b([a-z][a-z0-9_]*)\s+([\u3400-\u9fff]+)")
_CHOICE_LIST = re.compile(r"（[^（）]*[a-z_]+\s+[\u3400-\u9fff][^（）]*）")
_CODE_BEFORE_CHOICE = re.compile(r"\b[a-z][a-z0-9_]*\s+(?=[\u3400-\u9fff])")


def choice_free(text: str, lang: str = "zh") -> str:
    """A Chinese label or question without the enum codes it lists (government 区政府 / … → 区政府 / …)."""
    return _CODE_BEFORE_CHOICE.sub("", text) if lang == "zh" else text


def bare_label(text: str) -> str:
    """A label inside a sentence: without its list of choices (审核结论（lawful 合法 / …） → 审核结论)."""
    return _CHOICE_LIST.sub("", text)


def choices(label: str) -> dict[str, str]:
    """"审核结论（lawful 合法 / unlawful 不合法）" → {"lawful": "合法", "unlawful": "不合法"}."""
    return {m.group(1): m.group(2).strip() for m in _CHOICE.finditer(label)}
_BARE = re.compile(r"(?<![A-Za-z0-9_.])[a-z][a-z0-9]*_[a-z0-9_]+(?![A-Za-z0-9_.])|(?<![A-Za-z0-9_.])[a-z]{3,}(?![A-Za-z0-9_.])")


def names(catalogue: Catalogue, requirement: Requirement, lang: str) -> dict[str, str]:
    """Bare names a requirement's text may use: fields of its records, and the facts beside the ones it reads."""
    known: dict[str, str] = {}
    for key in requirement.facts_read:
        spec = catalogue.facts.get(key)
        if spec is None:
            continue
        for f in spec.fields:
            known.setdefault(f.name, f.label.get(lang))
            for code, word in choices(f.label.get(lang)).items():
                known.setdefault(code, word)
        for code, word in {**choices(spec.question.get(lang)), **choices(spec.label.get(lang))}.items():
            known.setdefault(code, word)
        parent = key.rsplit(".", 1)[0] + "."
        for other, s in catalogue.facts.items():
            if other.startswith(parent) and "." not in other[len(parent):]:
                known.setdefault(other[len(parent):], s.label.get(lang))
    return known


def label_of(catalogue: Catalogue, key: str, lang: str) -> str | None:
    if key.endswith(".*"):  # every fact under a prefix: their labels
        prefix = key[:-1]
        found = [s.label.get(lang) for k, s in catalogue.facts.items() if k.startswith(prefix)]
        return "”“".join(choice_free(x) for x in found) or None
    spec = catalogue.facts.get(key)
    if spec is not None:
        return spec.label.get(lang)
    head, _, field = key.rpartition(".")
    parent = catalogue.facts.get(head)
    if parent is not None and (f := parent.field_spec(field)) is not None:
        return f.label.get(lang)
    return None


def plain(text: str, catalogue: Catalogue, requirement: Requirement, lang: str) -> str:
    """The text with each fact key and field name replaced by its quoted label (Chinese only: English keeps keys)."""
    if lang != "zh":
        return text
    known = names(catalogue, requirement, lang)

    def dotted(m: re.Match[str]) -> str:
        found = label_of(catalogue, m.group(0), lang)
        return f"“{choice_free(bare_label(found))}”" if found else m.group(0)

    def bare(m: re.Match[str]) -> str:
        found = known.get(m.group(0))
        return f"“{choice_free(bare_label(found))}”" if found else m.group(0)

    text = _BARE.sub(bare, _DOTTED.sub(dotted, text))
    return re.sub(r"”\s*=\s*", "”为", text)  # “已建立制度” = 是 → “已建立制度”为是
