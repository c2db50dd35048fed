"""SVG snapshot of the function detail screen, drawn from known models with a frozen clock.

The sections' fetches are replaced by known results (the models console.services.lambda_.detail
returns), so the picture does not depend on the server's port, ids or times. Update with
`pytest tests/function_detail/test_snapshot.py --snapshot-update` and look at the SVG.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from console.services.lambda_ import detail as D
from console.app import OpsdeckApp
from console.aws.clients import ClientPool
from console.clock import ManualClock
from console.cloudwatch.logs import Report
from console.services.lambda_.models import LambdaAlias, VersionFigures, LambdaFunction
from console.target import Target
from screens.dashboard import DashboardScreen
from screens.lambda_.function_detail import FunctionDetailScreen
from tests.pilot import wait_until

TARGET = Target(None, "us-east-1", "http://127.0.0.1:1", "123456789012", demo=True)
T0 = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
ARN = "arn:aws:lambda:us-east-1:123456789012:function:process-payment"
FUNCTION = LambdaFunction(TARGET, ARN, "process-payment", "python3.11", "arm64", 512, 30, "Zip", T0, "abc")

CONFIG = D.FunctionConfiguration(
    name="process-payment", arn=ARN, description="charges cards", runtime="python3.11", architecture="arm64",
    memory_mb=512, timeout_s=30, ephemeral_storage_mb=512, package_type="Zip", image_uri=None,
    handler="app.handler", role="arn:aws:iam::123456789012:role/payments",
    vpc=D.VpcConfig("vpc-0abc", ("subnet-01", "subnet-02"), ("sg-0pay",)),
    layers=(D.Layer("arn:aws:lambda:us-east-1:123456789012:layer:shared-utils:4", 224),),
    dead_letter_target="arn:aws:sqs:us-east-1:123456789012:payments-dlq",
    environment=(D.EnvVar("DB_PASSWORD", "hunter2"), D.EnvVar("LOG_LEVEL", "INFO"), D.EnvVar("STAGE", "prod")),
    environment_error=None, last_modified=T0 - timedelta(hours=3), code_sha256="hWf5Y/fi+6Z7TqzLVSeVa1Bh=",
    code_size=226, state="Active", last_update_status="Successful", tracing="Active",
    log_group="/aws/lambda/process-payment",
)
INVOCATIONS = tuple(
    D.Invocation(T0 - timedelta(seconds=40 * i),
                 Report(f"{i:08x}-1111-2222-3333-444455556666", 180.0 + 13.5 * i, 181.0 + 13 * i, 512, 180 + i,
                        init_ms=312.4 if i == 5 else None), "2026/11/27/[3]abc" if i % 3 else "2026/11/27/[2]def")
    for i in range(8)
)
WAVE = tuple(float(v) for v in (40, 42, 45, 41, 50, 62, 58, 55, 49, 47, 51, 60, 66, 70, 64))
RESULTS = {
    "config": CONFIG,
    "concurrency": D.Concurrency(50, D.Unavailable("ListProvisionedConcurrencyConfigs")),
    "destinations": D.Destinations(True, None, "arn:aws:sqs:us-east-1:123456789012:payments-failed", 1, 3600),
    "versions": (D.FunctionVersion("$LATEST", "charges cards", "hWf5Y/fi", T0),
                 D.FunctionVersion("3", "release 1.3.0", "hWf5Y/fi", T0 - timedelta(hours=3)),
                 D.FunctionVersion("2", "release 1.2.0", "8Kq0aZ1x", T0 - timedelta(days=2))),
    "aliases": (LambdaAlias(TARGET, "process-payment", "live", "2", (("3", 0.1),)),),
    "mappings": (D.EventSourceMapping("u1", "SQS", "payments-queue", "arn:aws:sqs:us-east-1:1:payments-queue",
                                      "Enabled", 10, 5, None, "OK", "User action"),),
    "http": (D.HttpApiTrigger("a1b2c3", "payments-api", "HTTP", "", "i1", "live", ("POST /charge",)),),
    "s3": D.S3Triggers(True, (), (D.S3Unconfirmed("arn:aws:s3:::receipts-*", "wildcard in SourceArn"),)),
    "rules": (D.RuleTrigger("nightly-settle", "default", "ENABLED", "cron(0 3 * * ? *)", None, ""),),
    "invocations": D.RecentInvocations("/aws/lambda/process-payment", True, INVOCATIONS, timedelta(hours=1)),
    "charts": D.FunctionCharts(T0 - timedelta(minutes=14), T0 + timedelta(minutes=1), 60, WAVE,
                               tuple(float(v) for v in (0, 0, 1, 0, 0, 3, 2, 0, 0, 0, 0, 1, 0, 0, 0)),
                               (0.0,) * 15, tuple(v * 4 for v in WAVE), tuple(v * 9 for v in WAVE),
                               # the canary of the issue: version 3 fails 7.8%, version 2 0.23%
                               (VersionFigures("live", "2", 0.9, 1300, 3), VersionFigures("live", "3", 0.1, 141, 11,
                                                                                          new=True))),
}


def _known(result):
    async def fetch(ctx):
        return result
    return fetch


class KnownDetailScreen(FunctionDetailScreen):
    """The detail screen with each feed's fetch answered by a known model."""

    def feeds(self):
        return {key: feed._replace(fetch=_known(RESULTS[feed.sections[0]])) for key, feed in super().feeds().items()}


async def identify_ok(ctx) -> str:
    return "123456789012"


def test_function_detail(snap_compare):
    clock = ManualClock(T0)
    app = OpsdeckApp(TARGET, ClientPool(clock), clock, sources={}, identify=identify_ok)

    async def open_screen(pilot):
        # Until the app has connected and shows the dashboard: a screen pushed before that is
        # replaced by the dashboard when connect() ends (it did on a loaded machine, after the
        # 2.5 s this used to wait at most before pushing anyway).
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen)
                         and not any(w.group == "connect" and not w.is_finished for w in app.workers), rounds=600)
        await app.push_screen(KnownDetailScreen(FUNCTION))
        await pilot.pause(0.2)
        await pilot.press("down")
        await pilot.press("v")  # LOG_LEVEL revealed; DB_PASSWORD stays masked
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=(160, 45), run_before=open_screen)
