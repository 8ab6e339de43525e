"""The registry: which algorithms exist, how their parameters are checked, and running one.

Parameters arrive as JSON from the web and are checked here, once, against each
algorithm's own description of them, so the algorithms themselves can trust their input.
Every algorithm also takes `seed`, which the registry consumes to build the random
generator it hands over; nothing here touches the global random module.
"""

import math
import random

from shuffify.shuffle.album_sequence import ALBUM_SEQUENCE
from shuffify.shuffle.artist_spacing import ARTIST_SPACING
from shuffify.shuffle.balanced import BALANCED
from shuffify.shuffle.basic import BASIC
from shuffify.shuffle.definitions import SEED, Algorithm, Parameter
from shuffify.shuffle.percentage import PERCENTAGE
from shuffify.shuffle.sort import NEWEST_FIRST, SORT
from shuffify.shuffle.stratified import STRATIFIED

ALGORITHMS: dict[str, Algorithm] = {
    algorithm.name: algorithm
    for algorithm in (
        *(BASIC, PERCENTAGE, BALANCED, STRATIFIED, ARTIST_SPACING, ALBUM_SEQUENCE),
        *(SORT, NEWEST_FIRST),
    )
}

_EXPECTED_TYPE = {"integer": "an integer", "number": "a finite number", "boolean": "true or false"}


class InvalidParams(ValueError):
    """The algorithm name or its parameters are not acceptable; the message says why."""


def describe() -> list[dict]:
    """Every algorithm with its parameters (seed included), ready for JSON."""
    return [
        {
            "name": algorithm.name,
            "title": algorithm.title,
            "description": algorithm.description,
            "parameters": [_describe_parameter(p) for p in _parameters_of(algorithm)],
        }
        for algorithm in ALGORITHMS.values()
    ]


def validate_params(algorithm_name: str, params: object) -> dict:
    """Check params for the named algorithm; return them with the defaults filled in."""
    parameters = {p.name: p for p in _parameters_of(_algorithm_named(algorithm_name))}
    if not isinstance(params, dict):
        raise InvalidParams("params must be an object")
    for name in params:
        if name not in parameters:
            raise InvalidParams(f"unknown parameter {name!r} for {algorithm_name}")
    return {
        name: _checked_value(parameter, params.get(name, parameter.default))
        for name, parameter in parameters.items()
    }


def shuffle(algorithm_name: str, tracks: list[dict], params: object) -> list[dict]:
    """Validate params, then return a new list holding tracks in the algorithm's order."""
    checked = validate_params(algorithm_name, params)
    rng = random.Random(checked.pop(SEED.name))
    return ALGORITHMS[algorithm_name].function(list(tracks), rng, **checked)


def _parameters_of(algorithm: Algorithm) -> tuple[Parameter, ...]:
    return (*algorithm.parameters, SEED)


def _algorithm_named(algorithm_name: str) -> Algorithm:
    if not isinstance(algorithm_name, str) or algorithm_name not in ALGORITHMS:
        known = ", ".join(ALGORITHMS)
        raise InvalidParams(f"unknown algorithm {algorithm_name!r}; choose one of {known}")
    return ALGORITHMS[algorithm_name]


def _describe_parameter(parameter: Parameter) -> dict:
    return {
        "name": parameter.name,
        "type": parameter.type,
        "default": parameter.default,
        "min": parameter.min,
        "max": parameter.max,
        "choices": list(parameter.choices) if parameter.choices is not None else None,
        "description": parameter.description,
    }


def _checked_value(parameter: Parameter, value: object) -> object:
    if value is None and parameter.default is None:
        return None
    if not _has_type(parameter, value):
        raise InvalidParams(f"{parameter.name} must be {_expected_type(parameter)}")
    if not _in_range(parameter, value):
        raise InvalidParams(f"{parameter.name} must be {_expected_range(parameter)}")
    return value


def _has_type(parameter: Parameter, value: object) -> bool:
    is_boolean = isinstance(value, bool)
    match parameter.type:
        case "boolean":
            return is_boolean
        case "integer":
            return isinstance(value, int) and not is_boolean
        case "number":
            return _is_finite_number(value) and not is_boolean
        case _:
            return isinstance(value, str) and value in (parameter.choices or ())


def _is_finite_number(value: object) -> bool:
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def _expected_type(parameter: Parameter) -> str:
    if parameter.type == "string":
        return "one of " + ", ".join(parameter.choices or ())
    expected = _EXPECTED_TYPE[parameter.type]
    return f"{expected} or null" if parameter.default is None else expected


def _in_range(parameter: Parameter, value) -> bool:
    too_low = parameter.min is not None and value < parameter.min
    too_high = parameter.max is not None and value > parameter.max
    return not (too_low or too_high)


def _expected_range(parameter: Parameter) -> str:
    if parameter.max is None:
        return f"at least {parameter.min}"
    if parameter.min is None:
        return f"at most {parameter.max}"
    return f"from {parameter.min} to {parameter.max}"
