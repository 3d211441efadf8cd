"""Reading raw result files safely (plain pickles only) and hashing them; the converters' shared command line."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

from nasbench.tables.raw import load_plain_pickle


def test_raw_pickles_are_read_without_classes() -> None:
    with pytest.raises(pickle.UnpicklingError, match="refusing to load"):
        load_plain_pickle(pickle.dumps(pd.Timestamp(0)))
