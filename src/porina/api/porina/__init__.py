"""Porina's own API (``/api/porina/v1/...``): the business desk, later analytics and campaigns."""
