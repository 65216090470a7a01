"""The command line's one vocabulary: every option is defined here once, with one name, meaning and default.

Commands pick the groups they need; a test walks every parser and checks that an option spelled the same way has
the same destination, default, type and choices everywhere. Only :mod:`argparse` is imported, so ``--help`` costs
no more than building the parsers. Old spellings stay for one release through :class:`Deprecated`.
"""
from __future__ import annotations

import argparse
import sys

TYPE_CHECKING = False  # typing costs import time the --help path avoids; type checkers read the block
if TYPE_CHECKING:
    from typing import Any

FORMS = ("2pl", "1pl")
LOSSES = ("least_squares", "binomial", "bernoulli", "beta")
SCALES = ("eci", "elo", "logit")
DEFAULT_SEED = 12345  # seed of every random draw unless --seed says otherwise (Epoch's bootstrap seed)
DEFAULT_LEVEL = 0.90  # interval level (Epoch's 90%)
DEFAULT_JOBS = "auto"  # serial unless the refits, timed on the first, clearly repay starting worker processes
DEFAULT_TOP = 20  # rows printed per table
DEFAULT_DRAWS = 500  # parametric draws of an interval (Epoch's bootstrap count)
REFIT_BOOTSTRAP = 100  # bootstrap draws when gap or compare fit the data themselves
UNCERTAINTY = ("sigma", "draws")
ITEM_ESTIMATORS = ("mml", "jmap")  # --level item: marginal ML by EM (default), joint MAP
BAYES_ESTIMATORS = ("svi", "nuts")  # --bayes: variational inference (default), NUTS sampling
ESTIMATORS = ITEM_ESTIMATORS + BAYES_ESTIMATORS


def seed(text: str) -> int:
    """An argparse type: a seed numpy and torch both accept, an integer in [0, 2**32)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if not 0 <= value < 2 ** 32:
        raise argparse.ArgumentTypeError(f"{value}: give an integer in [0, 2**32)")
    return value


def jobs(text: str) -> int | str:
    """An argparse type: ``auto`` or a non-zero number of worker processes (-1: all cores)."""
    if text.strip().lower() == "auto":
        return "auto"
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give 'auto' or a number of workers (-1: all cores)") from None
    if value == 0:
        raise argparse.ArgumentTypeError("0: give 'auto' or a non-zero number of workers (-1: all cores)")
    return value


class HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Keep the worked examples' line breaks and show defaults (but not an uninformative None or False)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or action.default is False or isinstance(action, Deprecated):
            return action.help
        return super()._get_help_string(action)


class Deprecated(argparse.Action):
    """An old spelling kept for one release: stores into the new option's destination and says so on stderr."""

    def __init__(self, option_strings: list[str], dest: str, *, new: str, **kwargs: Any) -> None:
        self.new = new
        super().__init__(option_strings, dest, help=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        shown = f"{option_string} {values}" if values is not None and not isinstance(values, list) else option_string
        print(f"irt-elo: {shown} is deprecated and will be removed in the next release; use {self.new} instead",
              file=sys.stderr)
        setattr(namespace, self.dest, values)


class DataLevel(argparse.Action):
    """``irt-elo fit --level aggregate|item``: what the rows of DATA are. A number is the old spelling of
    ``--ci-level`` (kept for one release, with a deprecation line)."""

    LEVELS = ("aggregate", "item")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        if values in self.LEVELS:
            setattr(namespace, self.dest, values)
            return
        try:
            level = float(values)
        except ValueError:
            parser.error(f"argument --level: invalid choice: {values!r} (choose from {', '.join(self.LEVELS)})")
        print(f"irt-elo: --level {values} is deprecated and will be removed in the next release; use --ci-level "
              f"{values} instead", file=sys.stderr)
        namespace.level = level


def add_data_level(g: Any) -> None:
    """``--level aggregate|item``: benchmark scores (model x benchmark) or item responses (model x item, 0/1)."""
    # No argparse choices: they would refuse the old numeric spelling before DataLevel can redirect it.
    g.add_argument("--level", dest="data_level", metavar="{aggregate,item}", default="aggregate", action=DataLevel,
                   help="aggregate: one score per model and benchmark; item: one 0/1 response per model and item "
                        "(long: model, item, correct, optional benchmark)")


def add_estimation(g: Any) -> None:
    """``--bayes``, ``--estimator`` and ``--steps``: which fitter runs and with which estimation algorithm."""
    g.add_argument("--bayes", action="store_true",
                   help="Bayesian fit (Pyro; needs irt-elo[bayes]): posterior means, posterior intervals at "
                        "--ci-level (ci_low/ci_high), --se adds posterior SDs")
    g.add_argument("--estimator", choices=ESTIMATORS,
                   help="estimation algorithm: with --level item mml (marginal ML by EM, the default) or jmap "
                        "(joint MAP); with --bayes svi (variational inference, the default) or nuts (NUTS sampling)")
    g.add_argument("--steps", type=int, metavar="N",
                   help="optimisation steps of --bayes --estimator svi (default 2000)")


def add_score_reading(g: Any) -> None:
    """How a score file is read: its layout and whether scores are fractions or percentages."""
    g.add_argument("--format", choices=("auto", "long", "wide", "epoch-eci"), default="auto", help="input layout")
    sc = g.add_mutually_exclusive_group()
    sc.add_argument("--percent", dest="score_scale", action="store_const", const="percent",
                    help="scores are percentages (0-100)")
    sc.add_argument("--fraction", dest="score_scale", action="store_const", const="fraction",
                    help="scores are fractions (0-1); a value above 1 is an error")
    sc.add_argument("--score-scale", dest="score_scale", choices=("fraction", "percent", "auto"),
                    help="fraction, percent, or auto (fractions when no score exceeds 1, else percentages; a file "
                         "or benchmark mixing both is an error naming the rows, never rescaled)")


def add_data(p: argparse.ArgumentParser) -> None:
    """DATA and how to read it."""
    p.add_argument("data", nargs="?", metavar="DATA",
                   help="score table: a CSV (long, wide, or Epoch's eci_benchmarks.csv), or a folder / .zip in a "
                        "known layout; default: the bundled Epoch ECI snapshot of 2026-08-11")
    g = p.add_argument_group("input")
    add_score_reading(g)
    g.add_argument("--aggregate", choices=("max", "mean", "error"), default="max",
                   help="combine repeated (model, benchmark) rows: best (Epoch), mean, or refuse")
    add_table_columns(g)
    g.add_argument("--vintage", metavar="NAME",
                   help="instead of DATA, a data vintage: 'latest' (the newest bundled or fetched Epoch release), a "
                        "date YYYY-MM-DD, or a fetched vintage's name (`irt-elo fetch --list`); `gap` also takes "
                        "'all'; default: the bundled 2026-08-11 release")
    p.set_defaults(score_scale="fraction")


def add_table_columns(g: Any) -> None:
    """Which columns of a foreign CSV mean what: ``--model-column``, ``--drop-columns``, ``--date-format`` (a wide
    file's benchmark columns are chosen with ``--benchmarks``, see :func:`add_method`)."""
    g.add_argument("--model-column", metavar="NAME",
                   help="the column holding the model names (default: 'model' or an alias; in a wide file, else the "
                        "first column)")
    g.add_argument("--drop-columns", metavar="A,B,...",
                   help="columns of DATA to ignore (comma-separated), e.g. a URL, a size or an average column of a "
                        "wide leaderboard; in a wide file --benchmarks A,B,... instead names the benchmark columns")
    g.add_argument("--date-format", metavar="FMT",
                   help="the one format of the release-date column, in strftime codes (e.g. %%d/%%m/%%Y); default: "
                        "ISO, YYYY-MM-DD")


def add_preset(g: Any, *, help: str | None = None) -> None:  # noqa: A002 - argparse's name
    """``--preset NAME``: a named bundle of method options. Repeatable everywhere, so that it parses alike in every
    command; commands that fit one method refuse a second (``irt_elo.cli._common.one_preset``)."""
    g.add_argument("--preset", action="append", metavar="NAME",
                   help=help or "method preset: eci, caisi, default, rosetta (default: eci for the bundled data and "
                                "Epoch's releases, 'default' for your own table)")


def add_method(p: argparse.ArgumentParser, *, old_model_option: bool = False, subset: bool = True) -> Any:
    """The fit options of every command that fits; returns the group so a command can add its own.

    ``old_model_option``: also accept ``--model 2pl|1pl``, this command's spelling of ``--form`` before it.
    ``subset``: offer ``--benchmarks`` (left out where ``--benchmarks`` used to mean something else).
    """
    m = p.add_argument_group("method")
    add_preset(m)
    m.add_argument("--form", choices=FORMS, help="free slopes (2PL) or all slopes 1 (1PL)")
    if old_model_option:
        m.add_argument("--model", dest="form", choices=FORMS, action=Deprecated, new="--form")
    m.add_argument("--loss", choices=LOSSES,
                   help="loss: least squares (Epoch), binomial (needs n_items), fractional Bernoulli, or beta "
                        "(for unknown n_items)")
    m.add_argument("--precision", help="beta loss: 'common' (one estimated precision), 'benchmark' (one per "
                                       "benchmark) or a fixed number")
    m.add_argument("--ridge", type=float, help="ridge strength lambda")
    m.add_argument("--penalty", choices=("l2", "log_slope", "none"), help="ridge penalty form")
    m.add_argument("--anchor-benchmark", help="benchmark held at difficulty 0 and slope 1")
    m.add_argument("--min-benchmarks", type=int, help="drop models with fewer benchmarks")
    m.add_argument("--since", metavar="DATE", help="keep models released on or after this date (YYYY-MM-DD)")
    m.add_argument("--until", metavar="DATE", help="keep models released on or before this date (YYYY-MM-DD)")
    if subset:
        m.add_argument("--benchmarks", metavar="A,B,...",
                       help="fit only these benchmarks (comma-separated); in a wide DATA file, these columns are the "
                            "benchmarks and the other columns are ignored")
    m.add_argument("--start-seed", type=seed, metavar="N",
                   help="seed of the fit's random start values (default: the preset's, 42 for eci)")
    return m


def add_scale(p: argparse.ArgumentParser) -> None:
    """The output scale of a fit."""
    s = p.add_argument_group("scale")
    s.add_argument("--scale", choices=SCALES,
                   help="output scale (default: the preset's; ECI for 'eci', logit for 'default')")
    s.add_argument("--anchor", action="append", metavar="NAME=VALUE",
                   help="scale anchor; twice for eci (default Claude 3.5 Sonnet=130, GPT-5=150), once for elo")
    pp = s.add_mutually_exclusive_group()
    pp.add_argument("--points-per-logit", type=float, help="Elo points per logit (default 400/ln 10 = 173.7)")
    pp.add_argument("--elo-3x", action="store_true", help="Elo with exactly 3x odds per 200 points (182.0/logit)")


def add_uncertainty(p: argparse.ArgumentParser, *, bootstrap: str | None = None, draws: bool = False,
                    test: bool = False, workers: bool = True, old_level_option: bool = True) -> Any:
    """Interval options. ``bootstrap``: this command's help for ``--bootstrap`` (None: no such option);
    ``draws``: ``--draws`` for parametric intervals; ``test``: ``--uncertainty`` of the catch-up test;
    ``workers``: ``--jobs`` and ``--scheduler``; ``old_level_option``: accept ``--level X``, the interval level's
    spelling before ``--ci-level`` (``irt-elo fit`` has its own ``--level``, see :class:`DataLevel`)."""
    u = p.add_argument_group("uncertainty")
    if bootstrap is not None:
        u.add_argument("--bootstrap", type=int, metavar="N", help=bootstrap)
    u.add_argument("--ci-level", dest="level", type=float, default=DEFAULT_LEVEL, metavar="LEVEL",
                   help="interval level")
    if old_level_option:
        u.add_argument("--level", dest="level", type=float, action=Deprecated, new="--ci-level")
    add_seed(u)
    if draws:
        u.add_argument("--draws", dest="n_draws", type=int, default=DEFAULT_DRAWS, metavar="N",
                       help="parametric draws for intervals when the capabilities have no bootstrap draws")
    if test:
        u.add_argument("--uncertainty", choices=UNCERTAINTY, default="sigma",
                       help="catch-up test and intervals: 'sigma' = each model's own interval as an independent "
                            "normal sigma (Epoch's procedure); 'draws' = paired bootstrap draws: a refit's "
                            "--bootstrap draws, or the draws an Epoch release ships (eci_bootstraps.json)")
    if workers:
        add_workers(u)
    return u


def add_seed(g: Any, help: str | None = None) -> None:  # noqa: A002 - argparse's name
    """``--seed``: one seed for every random draw of the command (``help`` says which draws it has)."""
    g.add_argument("--seed", type=seed, default=DEFAULT_SEED,
                   help=help or "seed of every random draw: bootstrap resamples, parametric draws, "
                                "cross-validation folds, benchmark subsets")


def add_workers(g: Any) -> None:
    """Where refits run: local worker processes or a Dask cluster."""
    g.add_argument("--jobs", type=jobs, default=DEFAULT_JOBS, metavar="N",
                   help="parallel worker processes (-1: all cores; auto: one, unless the first refit's time says "
                        "the rest would run clearly faster on the free cores; the results are the same either way)")
    g.add_argument("--n-jobs", dest="jobs", type=jobs, action=Deprecated, new="--jobs")
    g.add_argument("--scheduler", metavar="ADDRESS",
                   help="run refits on this Dask scheduler (e.g. tcp://host:8786); needs irt-elo[dask]")


def add_model(g: Any, help: str) -> None:  # noqa: A002 - argparse's name
    """``--model NAME``: always one model, by name."""
    g.add_argument("--model", metavar="NAME", help=help)


OUTPUT_RULES = ("Each output is written to a temporary file and renamed into place, all of them or none (a new\n"
                "file's mode follows the umask); a symbolic link's target is written and the link stays;\n"
                "/dev/stdout, devices such as /dev/null and named pipes are written through, never replaced.")
CSV_RULE = ("\nCSV text cells a spreadsheet would run as formulas (starting with = + - @, a tab or a carriage\n"
            "return) get a leading ' unless --raw-csv; numbers are never changed.")


def add_output(p: argparse.ArgumentParser, *, output: str, top: bool = False, csv: bool = True) -> Any:
    """``-o/--output`` (``output`` says what it writes), ``-q``, optionally ``--top``, and ``--raw-csv`` when the
    command writes CSV (``csv``); returns the group."""
    o = p.add_argument_group("output", description=OUTPUT_RULES + (CSV_RULE if csv else ""))
    o.add_argument("-o", "--output", metavar="OUT", help=output)
    if csv:
        add_raw_csv(o)
    if top:
        o.add_argument("--top", type=int, default=DEFAULT_TOP, help="rows to print per table (0 = all)")
    add_quiet(o)
    return o


def add_raw_csv(g: Any) -> None:
    """``--raw-csv``: write CSV text cells as they are (by default a cell a spreadsheet would run as a formula gets
    a leading apostrophe)."""
    g.add_argument("--raw-csv", action="store_true",
                   help="write CSV text cells exactly as they are; by default a name starting with = + - @, a tab "
                        "or a carriage return gets a leading ' so a spreadsheet shows it as text instead of running "
                        "it as a formula (numbers are never changed)")


def add_quiet(g: Any) -> None:
    """``-q/--quiet``: print nothing but errors (no progress bar either)."""
    g.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")


DEFAULT_FETCH_TIMEOUT = 60.0  # seconds a download waits for the server (to connect, and between two reads)


def add_fetch(p: argparse.ArgumentParser) -> None:
    """``irt-elo fetch``: where the zip comes from, where vintages are kept, and ``--list``."""
    g = p.add_argument_group("download")
    g.add_argument("--url", metavar="URL",
                   help="address of the zip (default: Epoch's https://epoch.ai/data/benchmark_data.zip)")
    g.add_argument("--timeout", type=float, default=DEFAULT_FETCH_TIMEOUT, metavar="SECONDS",
                   help="give up when the server has not answered for this long")
    g.add_argument("--cache-dir", metavar="DIR",
                   help="folder of the downloaded vintages (default: $IRT_ELO_CACHE_DIR, else the per-user cache "
                        "folder of irt-elo); other commands' --vintage looks in $IRT_ELO_CACHE_DIR or the per-user "
                        "cache, so set the variable to use another folder everywhere")
    g.add_argument("--list", action="store_true",
                   help="download nothing; list the vintages available offline (bundled and fetched)")


def add_against(p: argparse.ArgumentParser) -> Any:
    """What new models are placed on: ``--against DATA|VINTAGE``, the fit (method options apply to it), and
    ``--replace``; returns the group."""
    g = p.add_argument_group("frozen fit")
    g.add_argument("--against", metavar="DATA|VINTAGE",
                   help="the fit to place models on, frozen: a score table or an Epoch release (file, folder or "
                        ".zip), or a vintage ('latest', a date YYYY-MM-DD, a fetched vintage's name); default: the "
                        "bundled Epoch ECI input of 2026-08-11. An Epoch release's own bootstrap draws give the "
                        "benchmark-parameter uncertainty when it ships them; otherwise the fit is bootstrapped "
                        "(--bootstrap)")
    g.add_argument("--replace", action="store_true",
                   help="re-score a model whose name is already in the fit, from the new scores (the fit is not "
                        "changed)")
    return g


def add_frozen_fit(p: argparse.ArgumentParser) -> None:
    """What ``score``, ``predict`` and ``next`` share after their own options: ``--against``/``--replace``, the
    method and scale of the fit (every benchmark kept: no ``--benchmarks``), and its draws."""
    add_against(p)
    add_method(p, subset=False)
    add_scale(p)
    add_uncertainty(p, bootstrap="bootstrap draws of the fit for the benchmark-parameter uncertainty (default: "
                                 "Epoch's own draws when --against is a release used with its eci preset as it is, "
                                 "else 500)", old_level_option=False)


def add_new_models(p: argparse.ArgumentParser, *, required: bool) -> None:
    """NEW: the new models' scores (read with the input options)."""
    p.add_argument("new", nargs=None if required else "?", metavar="NEW",
                   help="the new models' scores: a CSV (long: model, benchmark, score, optional release_date, "
                        "open_weights, organization; or wide), read with the input options below"
                        + ("" if required else "; without it --model names a model of the fit"))
    g = p.add_argument_group("input (NEW)")
    add_score_reading(g)
    add_table_columns(g)
    p.set_defaults(score_scale="fraction", aggregate="error")


def add_benchmark(g: Any, help: str) -> None:  # noqa: A002 - argparse's name
    """``--benchmark NAME``: one benchmark by name; repeat for several."""
    g.add_argument("--benchmark", action="append", metavar="NAME", help=help)


def add_claims(g: Any) -> None:
    """``--claims FILE`` (more claim rows, in the ledger's columns) and ``--claim ID`` (only these claims)."""
    g.add_argument("--claims", metavar="FILE",
                   help="a CSV of your own claims in the ledger's columns, checked with the shipped ones")
    g.add_argument("--claim", action="append", metavar="ID",
                   help="check only this claim (its id, e.g. E2); repeat for several")


def add_grouping(g: Any, *, by_help: str) -> None:
    """Which groups are compared: ``--by``, ``--lead``, ``--trail``, ``--unknown-as`` (``irt-elo gap`` and
    ``forecast``)."""
    g.add_argument("--by", choices=("open", "country", "organization", "closed-us"), help=by_help)
    g.add_argument("--lead", metavar="GROUP",
                   help="leading group (default: closed; US with --by country; 'closed US' with --by closed-us)")
    g.add_argument("--trail", metavar="GROUP", help="trailing group (default: open; China with --by country)")
    g.add_argument("--unknown-as", metavar="GROUP",
                   help="put models of unknown accessibility/country in this group (default: in none)")


def add_forecast(g: Any) -> None:
    """The forecast's ``--horizon`` and ``--paths`` (``irt-elo forecast`` and ``report``)."""
    g.add_argument("--horizon", default="12m", metavar="DURATION",
                   help="how far ahead the forecast goes: 12m, 18m, 2y, 26w or 90d (default 12m)")
    g.add_argument("--paths", dest="n_paths", type=int, default=500, metavar="N",
                   help="simulated paths per frontier for the forecast's prediction intervals (a backtest's "
                        "forecasts use up to 200)")


def add_figure_output(p: argparse.ArgumentParser, default: str) -> None:
    """The ``-o`` of a plot kind: a figure file (default ``default``)."""
    p.add_argument("-o", "--output", metavar="OUT", help=f"figure file: .png, .svg or .pdf (default: {default})")
    p.set_defaults(default_output=default)


__all__ = ["seed", "jobs", "HelpFormatter", "Deprecated", "add_data", "add_preset", "add_method", "add_scale",
           "add_uncertainty", "add_seed", "add_workers", "add_model", "DataLevel", "add_data_level", "add_estimation",
           "add_output", "add_raw_csv", "add_quiet", "add_fetch", "add_figure_output", "add_against", "add_new_models",
           "add_frozen_fit", "add_claims",
           "add_benchmark",
           "add_score_reading", "add_table_columns", "add_grouping", "add_forecast", "DEFAULT_SEED", "DEFAULT_LEVEL",
           "DEFAULT_JOBS", "DEFAULT_TOP", "DEFAULT_DRAWS", "REFIT_BOOTSTRAP", "FORMS", "LOSSES", "SCALES",
           "UNCERTAINTY", "ESTIMATORS", "ITEM_ESTIMATORS", "BAYES_ESTIMATORS", "DEFAULT_FETCH_TIMEOUT"]
