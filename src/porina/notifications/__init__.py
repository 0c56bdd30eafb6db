"""Notifications: created by subscribers of domain events; read markers."""
