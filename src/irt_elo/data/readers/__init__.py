"""Readers for foreign file layouts, one module each; each returns the long format :mod:`irt_elo.data.table`
validates. Only :mod:`irt_elo.data.detect` knows them all; a reader never imports it."""
