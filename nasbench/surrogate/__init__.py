"""Surrogates: XGBoost models fitted on a table (`model`) and the Benchmark they answer as (`benchmark`).

Imports xgboost; nothing lighter imports this package until a surrogate is asked for.
"""

from nasbench.surrogate.model import Surrogate, fit_surrogate, load_surrogate

__all__ = ["Surrogate", "fit_surrogate", "load_surrogate"]
