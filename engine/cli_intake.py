"""`fazhi questionnaire`, `fazhi import` and `fazhi extract`: facts from sheets and report text."""
from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add the intake commands to the `fazhi` group."""
    return None
