"""The HTML report: every headline, claim, trend and forecast of one data set on one self-contained page.

:func:`build_report` computes the results with the same public functions as the commands (``irt-elo gap``,
``compare``, ``claims``, ``forecast``) and :meth:`Report.to_html` renders them with a Jinja2 template, figures
embedded as PNG data, so the page needs no network and no other file to be viewed.
"""
from __future__ import annotations

from irt_elo.report.build import Report, build_report, figure_data_uri

__all__ = ["Report", "build_report", "figure_data_uri"]
