"""A state stopped mid-work records no failure (console.demo.extensions.sfn_abort)."""

from __future__ import annotations

import pytest

from console.demo.extensions.sfn_abort import quiet_once_stopped


class Frame:
    def __init__(self, running: bool) -> None:
        self.running = running

    def is_running(self) -> bool:
        return self.running


def pruned_task(state, env):
    """What moto's Lambda task does when its frame stops between two of its steps."""
    env.running = False
    raise AttributeError("'dict' object has no attribute 'region'")


def test_an_error_raised_after_the_frame_stopped_is_dropped():
    quiet_once_stopped(pruned_task)(object(), Frame(running=True))


def test_an_error_of_a_running_frame_still_fails_the_state():
    def failing(state, env):
        raise RuntimeError("the function failed")

    with pytest.raises(RuntimeError):
        quiet_once_stopped(failing)(object(), Frame(running=True))


def test_the_server_evaluates_states_through_it():
    from moto.stepfunctions.parser.asl.component.state.exec.execute_state import ExecutionState

    from console.demo.extensions import sfn_abort

    sfn_abort.install()
    assert ExecutionState._evaluate_with_timeout.__qualname__.startswith("quiet_once_stopped")
