"""The vocabulary every shuffle module shares: parameters, algorithms, common parameters.

It lives apart from the registry so that each algorithm module can describe itself
without importing the registry that collects it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

ParameterType = Literal["integer", "number", "boolean", "string"]
ShuffleFunction = Callable[..., list[dict]]


@dataclass(frozen=True, kw_only=True)
class Parameter:
    """One setting of an algorithm, described well enough to validate it and build a form.

    A parameter whose default is None is optional: None is then an accepted value.
    """

    name: str
    type: ParameterType
    default: Any
    min: int | float | None = None
    max: int | float | None = None
    choices: tuple[str, ...] | None = None
    description: str


@dataclass(frozen=True, kw_only=True)
class Algorithm:
    """A shuffle algorithm and the parameters its function takes as keyword arguments.

    The function is called as function(tracks, rng, **params) and returns a permutation
    of tracks. The seed that makes rng reproducible is the registry's business, not the
    algorithm's, so it is not among these parameters.
    """

    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    function: ShuffleFunction


KEEP_FIRST = Parameter(
    name="keep_first",
    type="integer",
    default=0,
    min=0,
    description="How many tracks at the start stay where they are.",
)

SEED = Parameter(
    name="seed",
    type="integer",
    default=None,
    description="Makes the shuffle reproducible: the same seed gives the same order.",
)
