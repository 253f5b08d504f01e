"""HTML network views of the graph. (The views arrive with the view issue.)"""

__all__: list[str] = []
