"""Key paths and positions: a problem found after validation still points at file:line:col."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from codepal_gen.errors import Position
from codepal_gen.load import format_path, locate, parse_path

KEY = st.text(st.characters(exclude_characters=".[]", exclude_categories=["Cs"]), min_size=1, max_size=8)


@given(KEY, st.lists(st.one_of(KEY, st.integers(min_value=0, max_value=99)), max_size=5))
def test_parse_path_inverts_format_path(first: str, rest: list[str | int]) -> None:
    path = (first, *rest)
    assert parse_path(format_path(path)) == path


def test_locate_falls_back_to_the_nearest_written_ancestor() -> None:
    positions: dict[tuple[str | int, ...], Position] = {
        ("dns",): Position("environments/prod.yaml", 40, 1),
        ("dns", "delegations"): Position("environments/bad.yaml", 3, 3),
    }
    assert locate(positions, ("dns", "delegations", "www", "nameservers"), "x") == Position(
        "environments/bad.yaml", 3, 3
    )
    assert locate(positions, ("hosts",), "environments/bad.yaml") == Position("environments/bad.yaml")
