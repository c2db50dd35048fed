"""Where the log view opens from: `l` on a Lambda function reads the group its LoggingConfig
names (Step Functions' `l`: tests/sfn_history/test_screen.py; ECS: tests/ecs_views)."""

from __future__ import annotations

import json

from screens.log_view import LogViewScreen
from tests.integration.test_sources import tiny_zip
from tests.lambda_tui.conftest import select_function
from tests.log_view.conftest import S, LogWriter, bodies, real_now, start_app
from tests.pilot import wait_until


async def test_l_on_a_function_follows_the_group_its_logging_config_names(account):
    role = account.client("iam").create_role(RoleName="pay-role", AssumeRolePolicyDocument=json.dumps({}))
    account.client("lambda").create_function(
        FunctionName="pay", Runtime="python3.12", Role=role["Role"]["Arn"], Handler="handler.handler",
        Code={"ZipFile": tiny_zip()}, LoggingConfig={"LogGroup": "/shared/payments"})
    LogWriter(account, "/aws/lambda/pay").put(real_now() - 2 * S, "not here: the default group")
    LogWriter(account, "/shared/payments").put(real_now() - 1 * S, "written where LoggingConfig says")
    app = start_app(account.endpoint)
    async with app.run_test(size=(160, 45)) as pilot:
        await select_function(pilot, app, "pay")
        await pilot.press("l")
        screen = await wait_until(pilot, lambda: isinstance(app.screen, LogViewScreen) and app.screen)
        await wait_until(pilot, lambda: screen.polls >= 1)
        assert screen.groups == ("/shared/payments",)
        assert bodies(screen.view) == ["written where LoggingConfig says"]
