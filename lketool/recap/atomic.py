"""Kept for imports inside the recap package; see :mod:`lketool.atomic`."""
from lketool.atomic import atomic_path

__all__ = ["atomic_path"]
