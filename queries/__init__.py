"""Queries over the analysis graph: gap rules and statistics. Each takes the graph first and
returns plain data; none prints or draws. (The rules arrive with the gap-query issue.)"""

__all__: list[str] = []
