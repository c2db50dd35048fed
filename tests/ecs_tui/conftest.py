"""The ECS screens with known data (tests/ecs_tui/known.py) through the whole app of
tests/app: in-process sources on a ManualClock; the service screen's read answered with a
known ServiceDetail, so nothing depends on the network or the time of day."""

from __future__ import annotations

import pytest

from console.services.ecs import models as M
from screens.dashboard import DashboardScreen
from tests.app.conftest import clock, estate, make_app, settle  # noqa: F401 - fixtures
from tests.ecs_tui import known


@pytest.fixture
def ecs_estate(estate):
    """The tests/app estate with known clusters and services."""
    estate.items["ecs"] = known.services()
    estate.items["ecs.clusters"] = known.clusters()
    return estate


class Answers:
    """What the service screen's reads return, in order (the last one again once used up);
    an exception is raised instead of returned."""

    def __init__(self, *answers) -> None:
        self.answers = list(answers)
        self.calls = 0

    async def read(self, source, ctx):
        self.calls += 1
        answer = self.answers[min(self.calls, len(self.answers)) - 1]
        if isinstance(answer, BaseException):
            raise answer
        return answer


@pytest.fixture
def answer_detail(monkeypatch):
    """answer_detail(*answers): the service screen's ServiceDetailSource.read gives these."""
    from console.services.ecs import sources

    def install(*answers: M.ServiceDetail | BaseException) -> Answers:
        answered = Answers(*answers)

        async def read(self, ctx):
            return await answered.read(self, ctx)

        monkeypatch.setattr(sources.ServiceDetailSource, "read", read)
        return answered

    return install


async def dashboard(pilot) -> DashboardScreen:
    await settle(pilot, 6)
    screen = pilot.app.screen
    assert isinstance(screen, DashboardScreen)
    screen.show_panel(screen.panel("ecs"))
    await settle(pilot, 3)
    return screen
