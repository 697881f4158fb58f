"""Pin widgets: inputs placed in the page like outputs, read and written by name."""

__all__ = []
