"""fork_map: the same results as a loop, in order, and the first failure raised."""

from __future__ import annotations

import os

import pytest

from codepal_gen.errors import Position, Problem, UserError
from codepal_gen.parallel import fork_map


def square_in_child(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def test_results_keep_input_order_and_use_other_processes() -> None:
    results = fork_map(square_in_child, list(range(7)), workers=3)
    assert [value for value, _ in results] == [n * n for n in range(7)]
    assert len({pid for _, pid in results}) == 3


def test_a_user_error_in_a_worker_keeps_its_problems() -> None:
    problem = Problem(Position("environments/x.yaml", 3, 5), "expected integer, got 'ten'", "a.b")

    def fail_on_last(n: int) -> int:
        if n == 5:
            raise UserError([problem])
        return n

    with pytest.raises(UserError) as caught:
        fork_map(fail_on_last, list(range(6)), workers=2)
    assert caught.value.problems == (problem,)


def test_one_worker_is_a_plain_loop() -> None:
    assert fork_map(square_in_child, [1, 2], workers=1) == [(1, os.getpid()), (4, os.getpid())]
