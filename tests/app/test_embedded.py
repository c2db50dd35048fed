"""The whole app against the embedded moto server: what the dashboard shows is what
AWS says, read back through the API."""

from __future__ import annotations

import os

import boto3
import pytest

from console.app import OpsdeckApp
from console.aws.clients import ClientPool
from console.clock import SystemClock
from console.target import Target
from screens.dashboard import DashboardScreen
from widgets.resource_table import ResourceTable

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}


@pytest.fixture(scope="module")
def embedded():
    from console.demo.process import EmbeddedAws

    saved = {k: os.environ.get(k) for k in [*CREDENTIALS, "AWS_PROFILE"]}
    os.environ.update(CREDENTIALS)
    os.environ.pop("AWS_PROFILE", None)
    try:
        with EmbeddedAws.start(size="small", simulate=False) as aws:
            yield aws
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


async def test_dashboard_lists_what_aws_has(embedded):
    expected = sorted(
        fn["FunctionName"]
        for fn in boto3.client("lambda", endpoint_url=embedded.endpoint, region_name="us-east-1")
        .list_functions()["Functions"]
    )
    clock = SystemClock()
    app = OpsdeckApp(Target(None, "us-east-1", embedded.endpoint, demo=True), ClientPool(clock), clock)
    async with app.run_test(size=(160, 50)) as pilot:
        for _ in range(60):
            await pilot.pause(0.25)
            snap = app.store.latest("lambda")
            if isinstance(app.screen, DashboardScreen) and snap is not None and snap.loaded:
                break
        await pilot.pause(0.2)
        assert app.target.account is not None
        table = app.screen.query_one("#lambda-table", ResourceTable)
        assert sorted(table.get_cell(k, "name").plain for k in table.visible_keys) == expected
    assert app._closed  # engine stopped and clients closed on exit
