"""What may be shown of a person: names masked (张*华), ID and phone numbers hidden.

>>> mask_name("欧阳小华")
'欧**华'
"""

from __future__ import annotations

__all__ = ["mask_name"]


def mask_name(name: str) -> str:
    """张华 -> 张*, 张小华 -> 张*华, 欧阳小华 -> 欧**华."""
    name = str(name)
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
