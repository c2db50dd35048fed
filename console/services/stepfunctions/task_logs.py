"""Where a Lambda task's lines are: `l` on a state that called a function.

The function writes to the group its LoggingConfig names, else /aws/lambda/NAME (Lambda API
reference, LoggingConfig). The configuration is read with GetFunctionConfiguration (the
version or alias the task called, as the definition named it); when it cannot be read
(access denied, a function deleted since), the default group is the best guess, and the
note says so.
"""

from __future__ import annotations

from typing import NamedTuple

from console.aws.context import AwsContext
from console.aws.errors import describe_problem
from console.services.stepfunctions.history import LambdaCall


class TaskLogs(NamedTuple):
    group: str
    note: str | None = None  # why the default group is shown, when it is a guess


async def lambda_log_group(ctx: AwsContext, call: LambdaCall) -> TaskLogs:
    """The log group the function `call` invoked writes to."""
    default = f"/aws/lambda/{call.function_name}"
    try:
        client = await ctx.client("lambda")
        config = await client.get_function_configuration(FunctionName=call.function)
    except Exception as exc:  # noqa: BLE001 - the default group is still worth showing, with why
        problem = describe_problem(exc, profile=ctx.target.profile, endpoint=ctx.target.endpoint)
        return TaskLogs(default, f"could not read {call.function_name}'s logging configuration "
                                 f"({problem.headline}): showing its default group {default}")
    return TaskLogs((config.get("LoggingConfig") or {}).get("LogGroup") or default)
