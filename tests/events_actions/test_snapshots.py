"""The rule detail and the test-event editor as pictures: at 160x45 and at 80x24 (the size
many terminals open at), on the app of tests/app (in-process sources, frozen clock), the
screens' own AWS reads answered by known models. Update deliberately
(`--snapshot-update` on this file), then look at every SVG."""

from __future__ import annotations

import json

import pytest

from console.services.events.detail import RuleDetail, RuleTarget
from console.services.events.put_event import Bus, BusRule
from screens.events.put_event import PutEventScreen
from screens.events.rule import RuleDetailScreen
from tests.app.conftest import TARGET, T0, clock, estate, make_app, settle  # noqa: F401 - fixtures

ACCOUNT = "123456789012"
RULE_ARN = f"arn:aws:events:us-east-1:{ACCOUNT}:rule/shop/order-placed"
PATTERN = {"source": ["shop.orders"], "detail-type": ["OrderPlaced"],
           "detail": {"total": [{"numeric": [">", 0]}], "channel": [{"anything-but": "test"}]}}
DETAIL = RuleDetail(
    target=TARGET, arn=RULE_ARN, name="order-placed", kind="rule", bus="shop", state="ENABLED",
    description="every placed order: fulfil it and keep an audit copy", schedule=None, timezone=None,
    pattern=json.dumps(PATTERN), role_arn=None, managed_by=None,
    targets=(
        RuleTarget("fulfil", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fulfil", "Lambda",
                   input_paths_map=(("order", "$.detail.orderId"), ("total", "$.detail.total")),
                   input_template='{"order": <order>, "total": <total>}',
                   dead_letter_arn=f"arn:aws:sqs:us-east-1:{ACCOUNT}:fulfil-dlq",
                   max_retry_attempts=3, max_event_age_seconds=600),
        RuleTarget("audit", f"arn:aws:sqs:us-east-1:{ACCOUNT}:audit", "SQS", input_path="$.detail"),
    ),
)
BUS = Bus("shop", f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/shop", (
    BusRule("order-placed", "ENABLED", json.dumps(PATTERN)),
    BusRule("big-orders", "ENABLED", json.dumps({"detail": {"total": [{"numeric": [">=", 100]}]}})),
    BusRule("old-orders", "DISABLED", json.dumps({"source": ["shop.orders"]})),
))


class KnownRuleDetailScreen(RuleDetailScreen):
    """The rule detail with its feed answered by DETAIL."""

    def feeds(self):
        async def known(ctx):
            return DETAIL
        return {key: feed._replace(fetch=known) for key, feed in super().feeds().items()}


class KnownPutEventScreen(PutEventScreen):
    """The test-event editor with the bus's rules answered by BUS."""

    async def _load_bus(self) -> None:
        self.editor.cursor_blink = False  # a blinking cursor would make the snapshot depend on timing
        self.bus = BUS
        self.state = "ready"
        self._show_matches()


def opened(make_screen):
    async def run(pilot):
        await settle(pilot, 6)
        await pilot.app.push_screen(make_screen())
        await settle(pilot, 4)
    return run


@pytest.mark.parametrize("size", [(160, 45), (80, 24)], ids=["160x45", "80x24"])
def test_rule_detail(snap_compare, make_app, size):
    assert snap_compare(make_app(), terminal_size=size, run_before=opened(lambda: KnownRuleDetailScreen(RULE_ARN, False)))


@pytest.mark.parametrize("size", [(160, 45), (80, 24)], ids=["160x45", "80x24"])
def test_put_event_editor(snap_compare, make_app, size):
    assert snap_compare(make_app(), terminal_size=size,
                        run_before=opened(lambda: KnownPutEventScreen("shop", json.dumps(PATTERN))))
