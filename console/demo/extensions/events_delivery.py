"""Deliver a scheduled rule's or schedule's payload to its target, as the embedded AWS itself.

Targets (EventBridge user guide, eb-targets; Scheduler user guide, managing-targets-templated):

- Lambda function (any qualifier): Invoke, asynchronously ("EventBridge invokes your function
  asynchronously", Lambda developer guide, "Invoking Lambda with events from other AWS services";
  Scheduler's Lambda Invoke templated target the same). So the delivery fails only when Lambda
  refuses the call: the function or qualifier does not exist (ResourceNotFoundException, a 4xx
  "EventBridge doesn't retry", re:Post knowledge center eventbridge-resolve-failedinvocation-errors).
  A function that runs and raises (console.demo.extensions.lambda_invoke.fail_function) was
  delivered: its error is the function's (its log stream shows it), never EventBridge's. The
  function is resolved with the embedded Lambda Invoke's own resolution (weighted aliases
  included), without running moto's echo (it would consume the queued results other callers set);
  the invocation writes its START/END/REPORT lines to /aws/lambda/<function>.
- Step Functions state machine: StartExecution (a generated execution name, as AWS does).
- SQS queue: SendMessage (FIFO queues: the target's SqsParameters.MessageGroupId).
- Any other target (ECS RunTask, SNS, Kinesis, ...) counts as invoked, as AWS would call it, but
  nothing runs there: the embedded AWS does not model those calls (never a made-up failure).

Step Functions and SQS are called over HTTP on the server's own port with the embedded AWS's
own-request header (AWS calling itself: no quota, no console request count) and the target's
account header; those requests never fire schedules themselves (events_firing skips them), so a
delivery made while firing cannot wait on the firing it is part of.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import uuid
from datetime import datetime
from typing import Any

log = logging.getLogger("opsdeck.demo.events_delivery")
_clients: dict[tuple[int, str, str], Any] = {}
_clients_lock = threading.Lock()
_rng = random.Random(20261201)
_streams: dict[tuple[str, str, str, str, Any], str] = {}  # the log stream invocations of a version write to


class DeliveryError(Exception):
    """The target refused the call: `code` is AWS's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def _aws(account: str, region: str) -> Any:
    from moto.settings import moto_server_port

    from console.demo.estate import Clients

    port = int(moto_server_port())
    key = (port, account, region)
    with _clients_lock:
        clients = _clients.get(key)
        if clients is None:
            clients = _clients[key] = Clients(f"http://127.0.0.1:{port}", account, region)
        return clients


def deliver(target_arn: str, payload: str, at: datetime, sqs_group: str | None = None) -> None:
    """Call the target's API with `payload`; raise DeliveryError when it refuses."""
    parts = target_arn.split(":")
    if len(parts) < 6 or parts[0] != "arn":
        raise DeliveryError("ValidationException", f"{target_arn} is not an ARN")
    service, region, account = parts[2], parts[3], parts[4]
    if service == "lambda":
        _invoke(account, region, target_arn, at)
    elif service == "states":
        _start_execution(account, region, target_arn, payload)
    elif service == "sqs":
        _send_message(account, region, parts[5], payload, sqs_group)
    else:  # ECS RunTask, SNS, Kinesis, ...: AWS would call them; the embedded AWS runs nothing there
        log.info("not delivered: the embedded AWS calls Lambda, Step Functions and SQS targets, not %s", target_arn)


def _invoke(account: str, region: str, function_arn: str, at: datetime) -> None:
    from moto.awslambda.utils import get_backend
    from moto.core.exceptions import JsonRESTError

    from console.demo.extensions import lambda_invoke

    name, qualifier = lambda_invoke._split(function_arn, None)
    backend = get_backend(account, region)
    try:
        version = lambda_invoke._executed_version(backend, name, qualifier)
    except JsonRESTError as exc:
        raise DeliveryError("ResourceNotFoundException", f"Function not found: {function_arn}") from exc
    _log_invocation(account, region, name, version, lambda_invoke.failure_for(account, region, name, version), at)


def _log_invocation(account: str, region: str, name: str, version: str, failure: tuple[str, str] | None,
                    at: datetime) -> None:
    """The lines the Lambda runtime writes for one invocation (console.demo.estate's shapes)."""
    from moto.logs.models import logs_backends

    from console.demo import estate as E

    logs = logs_backends[account][region]
    group = f"/aws/lambda/{name}"
    if group not in logs.groups:
        logs.create_log_group(group, {})
    key = (account, region, name, version, at.date())  # one warm execution environment a day
    stream = _streams.get(key)
    if stream is None or stream not in logs.groups[group].streams:
        stream = _streams[key] = E.lambda_stream_name(at, version, _rng)
        logs.create_log_stream(group, stream)
    spec = E.FunctionSpec(name, "python3.12", 128, 1, 0, 50.0)
    invocation = E.fake_invocation(_rng, spec, version, error=failure[0] if failure else None)
    lines = E.invocation_lines(name, invocation, [E.app_line("INFO", f"{name} called")])
    start = E.ms(at)
    logs.put_log_events(group, stream, [{"timestamp": start + i, "message": line} for i, line in enumerate(lines)])


def _start_execution(account: str, region: str, machine_arn: str, payload: str) -> None:
    from botocore.exceptions import ClientError

    try:
        _aws(account, region)("stepfunctions").start_execution(
            stateMachineArn=machine_arn, name=str(uuid.UUID(int=_rng.getrandbits(128), version=4)), input=payload)
    except ClientError as exc:
        error = exc.response["Error"]
        raise DeliveryError(error.get("Code", "Error"), error.get("Message", "")) from exc


def _send_message(account: str, region: str, queue: str, payload: str, group: str | None) -> None:
    from botocore.exceptions import ClientError

    sqs = _aws(account, region)("sqs")
    url = f"{_aws(account, region).endpoint}/{account}/{queue}"
    extra = {"MessageGroupId": group} if group else {}
    try:
        sqs.send_message(QueueUrl=url, MessageBody=payload, **extra)
    except ClientError as exc:
        error = exc.response["Error"]
        raise DeliveryError(error.get("Code", "Error"), error.get("Message", "")) from exc


def send_to_dead_letter_queue(queue_arn: str, body: str, attributes: dict[str, str]) -> bool:
    """SendMessage to a DLQ (string message attributes); False when the queue refused it."""
    from botocore.exceptions import ClientError

    parts = queue_arn.split(":")
    if len(parts) < 6:
        return False
    region, account, queue = parts[3], parts[4], parts[5]
    clients = _aws(account, region)
    try:
        clients("sqs").send_message(
            QueueUrl=f"{clients.endpoint}/{account}/{queue}", MessageBody=body,
            MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items() if v})
    except ClientError:
        return False
    return True


def put_metrics(account: str, region: str, namespace: str, datums: list[dict[str, Any]]) -> None:
    """PutMetricData into the account's CloudWatch from inside the server (naive UTC timestamps,
    as moto keeps them)."""
    from datetime import timezone

    from moto.cloudwatch.models import cloudwatch_backends

    if not datums:
        return
    fixed = [{**d, "Timestamp": d["Timestamp"].astimezone(timezone.utc).replace(tzinfo=None)
              if d["Timestamp"].tzinfo else d["Timestamp"]} for d in datums]
    backend = cloudwatch_backends[account][region]
    for i in range(0, len(fixed), 1000):
        backend.put_metric_data(namespace, fixed[i:i + 1000])


def json_text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
