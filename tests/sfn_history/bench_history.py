"""The history figure: a 25,000-event execution history (AWS's maximum) read page by page
from the embedded AWS and grouped by state, in seconds.

Building such an execution with moto's interpreter would take minutes, so the server this
figure starts (the embedded AWS, `console.demo.server`, in a process of its own, with every
extension installed) has a finished execution injected into its moto backend in-process,
the way console/demo/seed_large.py injects executions: its history is AWS-shaped (event
types and details as the botocore model's HistoryEvent), a Map of Lambda tasks, some
retried, one iteration failed, then Pass states up to exactly 25,000 events.

The figure is opsdeck's: the CPU seconds of this process (the server has its own) while
its ClientPool and console.services.stepfunctions.history.read_events read the history,
1,000 events a page, following nextToken, and ExecutionHistory.from_events groups it. The
wall time is printed beside it, but it is mostly moto serialising 25,000 events (about
0.5 ms each on the embedded server; AWS serves a page in a fraction of that). The pages the
server gave are reported too (moto ignores maxResults: one page, until the embedded AWS
pages GetExecutionHistory as AWS does).

`python -m tests.sfn_history.bench_history` prints the figure alone; `serve` is the server's side.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

EVENTS = 25_000  # "Maximum execution history size: 25,000 events" (Step Functions service quotas)
ACCOUNT, REGION = "123456789012", "us-east-1"
MACHINE = "bench-history"
EXECUTION = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:{MACHINE}:full-history"
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:charge-card"
TARGET_S = 1.0


def aws_history(total: int = EVENTS) -> list[dict[str, Any]]:
    """`total` AWS-shaped HistoryEvents of one finished execution (timestamps as moto writes them)."""
    from moto.core.utils import iso_8601_datetime_with_milliseconds

    t0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
    events: list[dict[str, Any]] = []

    def add(event_type: str, previous: int | None = None, key: str | None = None, **details: Any) -> int:
        event_id = len(events) + 1
        event: dict[str, Any] = {"id": event_id, "type": event_type,
                                 "previousEventId": event_id - 1 if previous is None else previous,
                                 "timestamp": iso_8601_datetime_with_milliseconds(t0 + timedelta(milliseconds=event_id))}
        if key:
            event[key] = details
        events.append(event)
        return event_id

    add("ExecutionStarted", 0, "executionStartedEventDetails", input='{"orders": "…"}', roleArn="arn:role")
    add("MapStateEntered", None, "stateEnteredEventDetails", name="EachOrder", input='{"orders": "…"}')
    started = add("MapStateStarted", None, "mapStateStartedEventDetails", length=0)
    index = 0
    # Each iteration: 7 events (9 when its task is retried); stop with room for the rest.
    while len(events) + 9 + 4 + 2 * 20 < total:
        iteration = add("MapIterationStarted", started, "mapIterationStartedEventDetails", name="EachOrder",
                        index=index)
        add("TaskStateEntered", iteration, "stateEnteredEventDetails", name="Charge", input=f'{{"order": {index}}}')
        scheduled = {"resourceType": "lambda", "resource": "invoke", "region": REGION,
                     "parameters": json.dumps({"FunctionName": FUNCTION, "Payload": {"order": index}})}
        add("TaskScheduled", None, "taskScheduledEventDetails", **scheduled)
        add("TaskStarted", None, "taskStartedEventDetails", resourceType="lambda", resource="invoke")
        if index % 10 == 3:
            add("TaskFailed", None, "taskFailedEventDetails", resourceType="lambda", resource="invoke",
                error="Lambda.TooManyRequestsException", cause="Rate exceeded")
            add("TaskScheduled", None, "taskScheduledEventDetails", **scheduled)
            add("TaskStarted", None, "taskStartedEventDetails", resourceType="lambda", resource="invoke")
        output = json.dumps({"Payload": {"charged": index}, "StatusCode": 200,
                             "SdkResponseMetadata": {"RequestId": f"req-{index:08d}"}})
        add("TaskSucceeded", None, "taskSucceededEventDetails", resourceType="lambda", resource="invoke",
            output=output)
        add("TaskStateExited", None, "stateExitedEventDetails", name="Charge", output=output)
        add("MapIterationSucceeded", None, "mapIterationSucceededEventDetails", name="EachOrder", index=index)
        index += 1
    add("MapStateSucceeded")
    add("MapStateExited", None, "stateExitedEventDetails", name="EachOrder", output="[]")
    remaining = total - len(events) - 1  # before ExecutionSucceeded
    for step in range(remaining // 2):
        add("PassStateEntered", None, "stateEnteredEventDetails", name=f"Note{step}", input="{}")
        add("PassStateExited", None, "stateExitedEventDetails", name=f"Note{step}", output="{}")
    if remaining % 2:
        add("SucceedStateEntered", None, "stateEnteredEventDetails", name="Done", input="{}")
    add("ExecutionSucceeded", None, "executionSucceededEventDetails", output="{}")
    return events


def _inject(endpoint: str, size: str) -> None:
    """console.demo.server's seeding hook, replaced: one machine and the finished execution."""
    from moto.stepfunctions.models import Execution
    from moto.stepfunctions.responses import get_backend

    events = aws_history()

    class FinishedExecution(Execution):
        def to_history_output(self) -> dict:  # what the interpreter's executions answer with
            return {"events": events}

    backend = get_backend(ACCOUNT, REGION)
    definition = {"StartAt": "EachOrder", "States": {"EachOrder": {
        "Type": "Map", "End": True, "ItemProcessor": {"StartAt": "Charge", "States": {
            "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}}}}}}
    machine = backend.create_state_machine(name=MACHINE, definition=json.dumps(definition),
                                           roleArn=f"arn:aws:iam::{ACCOUNT}:role/sfn")
    execution = FinishedExecution(region_name=REGION, account_id=ACCOUNT, state_machine_name=MACHINE,
                                  execution_name="full-history", state_machine_arn=machine.arn, execution_input="{}")
    execution.status, execution.output = "SUCCEEDED", "{}"
    execution.stop_date = execution.start_date
    machine.executions.append(execution)


def serve() -> int:
    from console.demo import server

    server._seed = _inject  # the embedded AWS as `opsdeck demo` runs it, this one execution seeded
    return server.main(["--port", "0", "--size", "none", "--no-simulate", "--watch-stdin"])


async def _read_once(endpoint: str) -> dict[str, float]:
    from console.aws.clients import ClientPool
    from console.aws.context import AwsContext
    from console.clock import SystemClock
    from console.services.stepfunctions.history import ExecutionHistory, read_events
    from console.target import Target

    pool = ClientPool(SystemClock())
    pages: list[int] = []
    try:
        ctx = AwsContext(pool, Target(None, REGION, endpoint))
        started, cpu = time.perf_counter(), time.process_time()
        events = await read_events(ctx, EXECUTION, on_page=pages.append)
        read, read_cpu = time.perf_counter(), time.process_time()
        history = ExecutionHistory.from_events(events)
        done, done_cpu = time.perf_counter(), time.process_time()
    finally:
        await pool.close()
    assert history.event_count == EVENTS and history.status == "SUCCEEDED", (history.event_count, history.status)
    return {"total_s": done - started, "read_s": read - started, "group_s": done - read, "pages": len(pages),
            "cpu_s": done_cpu - cpu, "read_cpu_s": read_cpu - cpu}


def measure(runs: int = 3, say=print) -> dict[str, Any]:
    """Median seconds over `runs` reads of the 25,000-event history (a first, unmeasured read
    warms the server and the client)."""
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.Popen([sys.executable, "-m", "tests.sfn_history.bench_history", "serve"], cwd=root, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline().strip()
        if not line.startswith("AWS_ENDPOINT_URL="):
            return {"error": f"the history server did not start ({line!r})"}
        endpoint = line.split("=", 1)[1]
        say(f"history figure: {EVENTS} events served at {endpoint}")
        asyncio.run(_read_once(endpoint))
        results = [asyncio.run(_read_once(endpoint)) for _ in range(runs)]
    finally:
        proc.stdin.close()  # --watch-stdin: the server stops
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    return {
        "events": EVENTS,
        "cpu_s": statistics.median(r["cpu_s"] for r in results),
        "read_cpu_s": statistics.median(r["read_cpu_s"] for r in results),
        "seconds": statistics.median(r["total_s"] for r in results),
        "read_s": statistics.median(r["read_s"] for r in results),
        "group_s": statistics.median(r["group_s"] for r in results),
        "pages": results[-1]["pages"],
        "target_s": TARGET_S,
        "runs": results,
    }


def report_line(figure: dict[str, Any]) -> str:
    if "error" in figure:
        return f"execution history of {EVENTS} events: FAILED ({figure['error']})"
    verdict = "ok" if figure["cpu_s"] <= figure["target_s"] else "over"
    return (f"execution history of {figure['events']} events, read and grouped by opsdeck: {figure['cpu_s']:.2f} s "
            f"(reading {figure['read_cpu_s']:.2f} s over {figure['pages']} page(s), grouping "
            f"{figure['group_s']:.2f} s; target ≤ {figure['target_s']:.1f} s) {verdict}; wall {figure['seconds']:.2f} s "
            f"with the embedded AWS serving them")


if __name__ == "__main__":
    if sys.argv[1:] == ["serve"]:
        os._exit(serve())
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
    print(report_line(measure()))
