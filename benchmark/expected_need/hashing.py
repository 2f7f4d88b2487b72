"""Stable fingerprint of a model run's inputs, for storing published runs."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np


def _canonical(value: Any) -> Any:
    """Map a value to a JSON value that does not depend on its Python/numpy type."""
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_canonical(v) for v in value]
    if isinstance(value, bool | np.bool_) or value is None:
        return None if value is None else bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError("cannot hash a non-finite number")
        return number
    return str(value)


def model_input_hash(rows: Iterable[Mapping[str, Any]], parameters: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of the input rows and the model parameters.

    Rows are canonicalised (keys as strings, all numbers as floats, so 2016 and 2016.0
    agree), serialised with sorted keys and sorted as strings, so the hash does not
    depend on row order, column order or dtype. Any change to a value, an indicator or
    a parameter changes the hash.
    """
    encoded_rows = sorted(
        json.dumps(_canonical(row), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        for row in rows
    )
    document = json.dumps(
        {"rows": encoded_rows, "parameters": _canonical(parameters)},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(document.encode("utf-8")).hexdigest()
