"""Lambda Task states call the embedded AWS's own Invoke, in the execution's account.

moto 5.2.5's interpreter invokes Lambda on localhost:$MOTO_PORT with fixed credentials,
so every call lands in moto's default account whatever account the execution runs in,
and a Lambda client error (a function that does not exist) fails a plain-ARN Task with
the error name ``Exception``. Here:

- The call goes to the account the function ARN names (the execution's account for a
  bare name), through console.demo.extensions.lambda_invoke: a function version made to
  fail (``fail_function``) or a payload carrying its FAIL_KEY fails the task with
  Lambda's own error shape, an unknown function or qualifier is Lambda's 404. The call
  carries the embedded AWS's own-request header (AWS calling itself: no quota, no
  console request count). One Lambda client per (region, account) is reused.
- A function error: the failure event's ``error`` is the function's ``errorType`` and its
  ``cause`` the function's error payload as JSON text (``{"errorMessage", "errorType",
  "stackTrace"}``): moto already does this for both forms. A Lambda service error (e.g.
  ResourceNotFoundException): "Lambda errors are reported as Lambda.ErrorName"
  (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html),
  so ``Lambda.ResourceNotFoundException``, with the SDK's cause text ("Function not found:
  ARN (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException;
  Request ID: ...; Proxy: null)"). moto does this for ``arn:aws:states:::lambda:invoke``;
  the plain function ARN gets it here.
- Event types: ``LambdaFunctionFailed`` (lambdaFunctionFailedEventDetails) for a plain
  function ARN Resource, ``TaskFailed`` (taskFailedEventDetails, resourceType "lambda",
  resource "invoke") for the optimised integration, as moto writes them. The plain form's
  event for a missing function is what AWS's Step Functions Local writes
  (LambdaFunctionFailed, Lambda.ResourceNotFoundException; observed in
  codetheweb/serverless-step-functions-local#3, not on an AWS page). AWS's
  LambdaFunctionScheduleFailed / LambdaFunctionStartFailed (permission denials) never
  happen here.
"""

from __future__ import annotations

import threading
from typing import Any

_installed = False
_local = threading.local()
_clients: dict[tuple[str, str], Any] = {}
_clients_lock = threading.Lock()


def account_of(function: str, execution_account: str) -> str:
    """The account a Lambda FunctionName refers to: a full ARN's, else the execution's."""
    parts = str(function).split(":")
    if len(parts) >= 7 and parts[0] == "arn" and parts[2] == "lambda" and parts[4].isdigit():
        return parts[4]
    if len(parts) >= 3 and parts[0].isdigit() and parts[1] == "function":  # 123456789012:function:name
        return parts[0]
    return execution_account


def install() -> None:
    global _installed
    if _installed:
        return
    from botocore.exceptions import ClientError
    from moto.stepfunctions.parser.api import HistoryEventType, LambdaFunctionFailedEventDetails
    from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import FailureEvent
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_lambda import (
        StateTaskServiceLambda,
    )
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.state_task_lambda import StateTaskLambda
    from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

    from console.demo.estate import ACCOUNT_HEADER, EMBEDDED_HEADER

    original_client_for = lambda_eval_utils.boto_client_for
    original_integration = lambda_eval_utils.execute_lambda_function_integration

    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        account = getattr(_local, "account", None)
        if service != "lambda" or account is None:
            return original_client_for(region=region, service=service, state_credentials=state_credentials)
        with _clients_lock:
            client = _clients.get((region, account))
            if client is None:
                client = original_client_for(region=region, service=service, state_credentials=state_credentials)

                def headers(request: Any, _account: str = account, **_: Any) -> None:
                    request.headers[ACCOUNT_HEADER] = _account
                    request.headers[EMBEDDED_HEADER] = "1"

                client.meta.events.register("before-send", headers)
                _clients[(region, account)] = client
        return client

    def execute_lambda_function_integration(env, parameters, region, state_credentials):  # type: ignore[no-untyped-def]
        _local.account = account_of(parameters.get("FunctionName", ""), env.aws_execution_details.account)
        try:
            return original_integration(env=env, parameters=parameters, region=region,
                                        state_credentials=state_credentials)
        finally:
            _local.account = None

    original_from_error = StateTaskLambda._from_error

    def _from_error(self, env, ex):  # type: ignore[no-untyped-def]
        if not isinstance(ex, ClientError):
            return original_from_error(self, env, ex)
        error, cause = StateTaskServiceLambda._error_cause_from_client_error(ex)
        return FailureEvent(
            env=env,
            error_name=CustomErrorName(error),
            event_type=HistoryEventType.LambdaFunctionFailed,
            event_details=EventDetails(
                lambdaFunctionFailedEventDetails=LambdaFunctionFailedEventDetails(error=error, cause=cause)),
        )

    lambda_eval_utils.boto_client_for = boto_client_for
    lambda_eval_utils.execute_lambda_function_integration = execute_lambda_function_integration
    StateTaskLambda._from_error = _from_error
    _installed = True
