"""Porina: a self-hostable social platform for businesses and their audiences."""

__version__ = "0.1.0"
