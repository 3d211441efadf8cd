"""Surrogates: XGBoost models fitted on a table (`model`) and the Benchmark they answer as (`benchmark`).

Imports xgboost; nothing lighter imports this package until a surrogate is asked for."""
