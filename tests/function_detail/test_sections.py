"""The seeded estate's functions on the detail screen: what each section shows is what AWS says."""

from __future__ import annotations

from screens.lambda_.function_detail import MASK
from tests.function_detail.conftest import field, function_model, make_app, open_detail, rows, settled


async def test_process_payment_configuration_versions_aliases_and_masked_environment(endpoint, clock, tmp_path):
    app = make_app(endpoint, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_detail(pilot, app, function_model(endpoint, "process-payment"))
        await settled(pilot, screen)
        shot = app.save_screenshot(str(tmp_path / "process-payment.svg"))

        def config(label: str) -> str:
            return field(screen, "config-body", label)

        assert (config("runtime"), config("arch"), config("memory"), config("timeout"), config("handler")) == (
            "python3.11", "x86_64", "512 MB", "30 s", "app.handler")
        assert config("role") == "arn:aws:iam::123456789012:role/opsdeck-demo-lambda"
        assert config("vpc") == "no VPC"
        assert config("dead letter") == "none"
        assert config("layers") == "shared-utils v1  arn:aws:lambda:us-east-1:123456789012:layer:shared-utils:1"
        assert field(screen, "concurrency-body", "reserved") == "50"
        assert field(screen, "concurrency-body", "provisioned") == \
            "not available from this endpoint (ListProvisionedConcurrencyConfigs)"
        assert field(screen, "destinations-body", "destinations") == "none configured"
        # "no destinations", "no provisioned concurrency here" are answers, not errors
        assert app.pool.stats.errors == 0

        # Versions: $LATEST, then 3, 2, 1 with their descriptions; the canary's weights.
        assert [r[:2] for r in rows(screen, "versions-table")] == [
            ["$LATEST", "process-payment for…"], ["3", "release 1.3.0"],
            ["2", "release 1.2.0"], ["1", "release 1.1.0"]]
        assert rows(screen, "aliases-table") == [["live", "live→2 (90%) 3 (10%)"]]

        # Environment: names shown, every value masked, the secret nowhere on screen.
        env = rows(screen, "env-table")
        names = [r[0] for r in env]
        assert names == sorted(["LOG_LEVEL", "POWERTOOLS_SERVICE_NAME", "STAGE", "RELEASE", "DB_HOST",
                                "DB_PASSWORD", "PAYMENT_GATEWAY_URL"])
        assert all(r[1] == MASK for r in env)
        assert "hunter2-demo" not in open(shot).read()

        # v reveals the selected variable only; v again hides it.
        table = screen.query_one("#env-table")
        table.focus()
        table.move_cursor(row=names.index("DB_PASSWORD"))
        await pilot.press("v")
        shown = dict((r[0], r[1]) for r in rows(screen, "env-table"))
        assert shown["DB_PASSWORD"] == "hunter2-demo"
        assert all(v == MASK for k, v in shown.items() if k != "DB_PASSWORD")
        await pilot.press("v")
        assert all(r[1] == MASK for r in rows(screen, "env-table"))

        # No triggers of its own: each trigger section says so.
        assert screen.sections["mappings"].notice_text == "no event source mappings"
        assert screen.sections["http"].notice_text == "no HTTP API integrates it"
        assert screen.sections["s3"].notice_text == "no resource policy: no S3 bucket can invoke it"
        assert screen.sections["rules"].notice_text == "no EventBridge rule targets it"

        await pilot.press("escape")
        assert app.screen is not screen


async def test_process_upload_shows_its_s3_notification_and_eventbridge_rule(endpoint, clock):
    app = make_app(endpoint, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_detail(pilot, app, function_model(endpoint, "process-upload"))
        await settled(pilot, screen)
        assert rows(screen, "s3-table") == [["opsdeck-demo-uploads", "s3:ObjectCreated:*", "prefix uploads/"]]
        assert rows(screen, "rules-table") == [["s3-upload-rule", "default", "ENABLED", "event pattern"]]
        assert field(screen, "config-body", "vpc") == "no VPC"
        assert field(screen, "config-body", "layers") == "none"
        assert field(screen, "config-body", "timeout") == "300 s"


async def test_items_api_shows_its_http_api_route_and_image(endpoint, clock):
    app = make_app(endpoint, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_detail(pilot, app, function_model(endpoint, "items-api"))
        await settled(pilot, screen)
        [[api, routes, via]] = rows(screen, "http-table")
        assert api.startswith("items-http-api (") and routes == "GET /items" and via == "unqualified"
        assert field(screen, "config-body", "image") == "123456789012.dkr.ecr.us-east-1.amazonaws.com/items-api:1.2.0"  # its newest release
        assert field(screen, "config-body", "runtime") == "container image"
        assert field(screen, "config-body", "package") == "Image"


async def test_queue_and_stream_mappings_show_their_batch_settings(endpoint, clock):
    app = make_app(endpoint, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_detail(pilot, app, function_model(endpoint, "validate-order"))
        await settled(pilot, screen, "mappings")
        assert rows(screen, "mappings-table") == [["SQS orders-queue", "Enabled", "10", "5s", "–"]]
        await pilot.press("escape")
        screen = await open_detail(pilot, app, function_model(endpoint, "update-inventory"))
        await settled(pilot, screen, "mappings", "rules")
        assert rows(screen, "mappings-table") == [["DynamoDB inventory (stream)", "Enabled", "100", "–", "–"]]
        assert rows(screen, "rules-table") == [["inventory-sync", "default", "ENABLED", "rate(5 minutes)"]]


async def test_enter_on_a_lambda_row_opens_its_detail_screen(endpoint, clock):
    from console.app import OpsdeckApp
    from console.aws.clients import ClientPool
    from console.target import Target
    from screens.dashboard import DashboardScreen
    from screens.lambda_.function_detail import FunctionDetailScreen
    from tests.pilot import wait_until

    app = OpsdeckApp(Target(None, "us-east-1", endpoint, demo=True), ClientPool(clock), clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen)
                         and app.screen.panel("lambda").table.row_count, rounds=400)
        table = app.screen.panel("lambda").table
        key = next(k for k in table.visible_keys if k.endswith(":process-payment"))
        table.focus()
        table.select_key(key)
        await pilot.press("w")  # the panel's window: 15 -> 60 minutes; the detail opens on it
        await pilot.press("enter")
        screen = await wait_until(pilot, lambda: isinstance(app.screen, FunctionDetailScreen) and app.screen)
        assert screen.function.name == "process-payment" and screen.window_minutes == 60
