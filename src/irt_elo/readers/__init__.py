"""Readers for foreign file layouts; each returns the long format :mod:`irt_elo.data` validates."""
