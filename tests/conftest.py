"""Shared fixtures. Heavy results (the ECI fit of the bundled data) are computed once per session."""
from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(scope="session")
def eci_table():
    """Epoch's 2026-08-11 ECI input, as bundled."""
    from irt_elo.data.datasets import load_epoch_eci

    return load_epoch_eci()


@pytest.fixture(scope="session")
def eci_fit(eci_table):
    """The 'eci' preset fitted to the bundled data (do not mutate)."""
    from irt_elo import Fitter

    return Fitter.from_preset("eci").fit(eci_table)


@pytest.fixture(scope="session")
def published_eci():
    """Epoch's published eci_scores.csv of 2026-08-11, indexed by model."""
    from irt_elo.data.datasets import load_epoch_eci_scores

    return load_epoch_eci_scores().set_index("model")
