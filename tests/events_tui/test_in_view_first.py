"""The EventBridge panel reads the targets of the rules on screen first (issue 8's bench:
507 rules' ListTargetsByRule, one call each at the quota's pace, kept the screen's last
placeholders for 16 s), through the whole app on the embedded AWS, on a clock that only
the test moves: opsdeck's budget lets the events quota's burst go at once and the rest
waits for its tokens on that clock (console.aws.budget)."""

from __future__ import annotations

import pytest

from console.aws.limits import quota_for
from screens.dashboard import DashboardScreen
from tests.lambda_tui.conftest import start_app
from tests.pilot import wait_until

RULES = 90  # one ListRules page; more than the events quota's burst of calls
FN = "arn:aws:lambda:us-east-1:{account}:function:{name}"


@pytest.fixture
def account(fresh_account, monkeypatch, shared_clock):
    """RULES pattern rules, created last-name-first: AWS lists them in that order, the panel
    shows them by name, so the listing's first are the screen's last."""
    fresh_account.use(monkeypatch)
    events = fresh_account.client("events")
    for i in reversed(range(RULES)):
        name = f"rule-{i:03d}"
        events.put_rule(Name=name, EventPattern='{"source": ["shop.orders"]}')
        events.put_targets(Rule=name, Targets=[{"Id": str(n), "Arn": FN.format(account=fresh_account.id, name=n)}
                                                for n in range(i % 3 + 1)])
    return fresh_account


def targets_of(table) -> dict[str, int | None]:
    """Rule name -> its target count, for the rules whose targets were read."""
    return {rule.name: rule.targets for rule in table.items if rule.targets_known}


async def test_the_rules_on_screen_have_their_targets_read_first_the_rest_at_the_quotas_pace(
        account, shared_clock):
    burst = quota_for("events", "ListTargetsByRule").burst
    assert burst < RULES  # else every rule is read at once and the order proves nothing
    app = start_app(account.endpoint, shared_clock)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        table = app.screen.panel("events").table
        await wait_until(pilot, lambda: len(table.items) == RULES)
        in_view = [rule.name for rule in table.items if rule.key in table.keys_in_view()]
        assert "rule-000" in in_view and f"rule-{RULES - 1:03d}" not in in_view

        # the clock stands still: only the burst's calls are made, the screen's rows first
        await wait_until(pilot, lambda: set(in_view) <= targets_of(table).keys())
        read = targets_of(table)
        assert len(read) < burst < RULES
        assert {name: read[name] for name in in_view} == {name: int(name[-3:]) % 3 + 1 for name in in_view}
        # and nothing on screen is left pending meanwhile: their figures are shown too
        keys = table.keys_in_view()
        await wait_until(pilot, lambda: all(cell.plain != "…" for key in keys for cell in table.get_row(key)))
        assert len(targets_of(table)) < burst

        # the rest follows as the quota's tokens come
        await wait_until(pilot, lambda: len(targets_of(table)) == RULES, clock=shared_clock, step=0.5)
        assert targets_of(table) == {f"rule-{i:03d}": i % 3 + 1 for i in range(RULES)}
