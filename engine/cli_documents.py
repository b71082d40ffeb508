"""`fazhi report` and `fazhi memo`: the gap report and the remediation memo."""
from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add the document commands to the `fazhi` group."""
    return None
