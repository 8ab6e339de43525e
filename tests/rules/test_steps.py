"""A rule's steps (issue 21): one description (GET /api/rule-steps), and validation that names
the place of what is wrong. Properties (hypothesis): a definition whose steps are all valid
comes back checked; spoiling one parameter of one step is refused naming that step's place
and that parameter ("filters[2].days: ...").
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuffify.errors import Refused
from shuffify.rules import evaluate, steps

PROPERTY = settings(max_examples=150, deadline=None, database=None)
PLAYLIST_ID = "37i9dQZF1DXcBWIGoYBM5M"

# A value each kind of parameter accepts, and values it refuses.
VALID = {
    "integer": lambda p: st.integers(p.low, p.high),
    "text": lambda p: st.text("abc xyz", min_size=1, max_size=20).filter(str.strip),
    "boolean": lambda p: st.booleans(),
    "choice": lambda p: st.sampled_from(p.choices),
    "playlist": lambda p: st.sampled_from([PLAYLIST_ID, f"spotify:playlist:{PLAYLIST_ID}"]),
    "names": lambda p: st.lists(st.sampled_from(["Ada", "Björk", "The Band"]), min_size=1),
    "pattern": lambda p: st.sampled_from(["love", "^intro", "live|remix", "a.c"]),
}
INVALID = {
    "integer": lambda p: st.one_of(
        st.integers(max_value=p.low - 1),
        st.integers(min_value=p.high + 1),
        st.sampled_from([True, "3", 2.5]),
    ),
    "text": lambda p: st.sampled_from(["", "   ", 3, "x" * (p.high + 1)]),
    "boolean": lambda p: st.sampled_from([0, 1, "true", "no"]),
    "choice": lambda p: st.sampled_from(["nope", 3, ""]),
    "playlist": lambda p: st.sampled_from(["not a playlist", 42, "spotify:track:x"]),
    "names": lambda p: st.sampled_from([[], [""], "Ada", [3], ["x" * 201]]),
    "pattern": lambda p: st.sampled_from(["", "(a+)+", "(x*)*y", r"(a)\1", "[unclosed"]),
}


def step_of(table: dict, kind: str, key: str, extra: tuple = ()):
    """A valid step of that kind: every required parameter, optional ones now and then."""
    params = table[kind][1] + extra
    required = {p.name: VALID[p.kind](p) for p in params if p.required}
    optional = {p.name: VALID[p.kind](p) for p in params if not p.required and p.kind != "integer"}
    return st.fixed_dictionaries(required, optional=optional).map(lambda d: {key: kind, **d})


def any_step(table: dict, key: str):
    return st.sampled_from(sorted(table)).flatmap(lambda kind: step_of(table, kind, key))


definitions = st.fixed_dictionaries(
    {
        "sources": st.lists(
            any_step(steps.SOURCES, "type"), min_size=1, max_size=steps.MAX_SOURCES
        ),
        "filters": st.lists(any_step(steps.FILTERS, "type"), max_size=8),
        "sink": any_step(steps.SINKS, "mode"),
    }
)


@PROPERTY
@given(definitions)
def test_a_definition_of_valid_steps_comes_back_checked(body):
    checked = steps.checked_definition(body)
    assert [s["type"] for s in checked["sources"]] == [s["type"] for s in body["sources"]]
    assert [f["type"] for f in checked["filters"]] == [f["type"] for f in body["filters"]]
    assert checked["sink"]["mode"] == body["sink"]["mode"]
    assert checked["combine"] == "concat" and checked["order"] is None


@PROPERTY
@given(definitions, st.data())
def test_one_bad_parameter_is_refused_naming_its_place(body, data):
    place = data.draw(st.sampled_from([k for k in ("sources", "filters") if body[k]] + ["sink"]))
    if place == "sink":
        step, table, key, prefix = body["sink"], steps.SINKS, "mode", "sink"
        params = table[step[key]][1] + steps.SINK_EXTRAS
    else:
        index = data.draw(st.integers(0, len(body[place]) - 1))
        step, key, prefix = body[place][index], "type", f"{place}[{index}]"
        table = steps.SOURCES if place == "sources" else steps.FILTERS
        params = table[step[key]][1]
    if not params:
        step["bogus"] = 1
        expected = f"{prefix}.bogus: is not a parameter of this step"
    else:
        param = data.draw(st.sampled_from(params))
        step[param.name] = data.draw(INVALID[param.kind](param))
        expected = f"{prefix}.{param.name}: "
    with pytest.raises(Refused) as refused:
        steps.checked_definition(body)
    assert refused.value.message.startswith(expected), refused.value.message


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (
            [{"type": "dedupe"}, {"type": "limit", "count": 2}, {"type": "added_within_days"}],
            "filters[2].days: is required",
        ),
        ([{"type": "explicit"}], "filters[0].allow: is required"),
        ([{"type": "explicit", "allow": "no"}], "filters[0].allow: must be true or false"),
        ([{"type": "duration", "min_s": 300, "max_s": 100}], "filters[0].max_s: must not be below"),
        ([{"type": "sparkle"}], "filters[0].type: must be one of dedupe"),
    ],
)
def test_examples_of_refusals_name_the_place(filters, message):
    body = {"sources": [{"type": "target"}], "filters": filters}
    with pytest.raises(Refused, match=message.replace("[", r"\[").replace("]", r"\]")):
        steps.checked_definition(body)


def test_every_described_filter_is_evaluated_and_every_evaluated_one_described():
    assert set(steps.FILTERS) == set(evaluate.FILTERS)
    described = {f["type"]: f for f in steps.describe()["filters"]}
    allow = described["explicit"]["parameters"]
    assert [(p["name"], p["type"], p["required"]) for p in allow] == [("allow", "boolean", True)]
