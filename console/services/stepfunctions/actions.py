"""Step Functions actions: start an execution, stop a running one, redrive a failed one.

Each is a guarded action (console.actions): the plan reads the machine or the execution
and says what will happen, the Runner confirms, audits, applies and verifies, and verify
reads the execution back with DescribeExecution. Bad input (invalid JSON, an unknown
machine or execution, an execution that cannot be redriven) raises `InputRefused` before
anything is sent, with a message naming the field and what was expected; the CLI exits 2
for it. The audit keeps the input's size and SHA-256, never the input.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterable

from console.json_text import JsonTextError, parse_json_text
from console.actions.base import (
    Action,
    ApplyResult,
    CancelFlag,
    Plan,
    PlanRefused,
    ProgressCallback,
    Step,
    run_steps,
)
from console.actions.registry import register
from console.aws.context import AwsContext
from console.aws.errors import error_code
from console.services.stepfunctions.sources import list_state_machines

EXPRESS = "EXPRESS"
# StartExecution's `input`: "Length Constraints: Maximum length of 262144" (AWS API reference)
MAX_INPUT_BYTES = 262_144
# StartExecution's `name`: 1-80 characters, none of these (AWS API reference)
MAX_NAME = 80
NAME_FORBIDDEN = set(' \t\n\r<>{}[]?*"#%\\^|~`$&,;:/')
# StopExecution: error up to 256 characters, cause up to 32,768 (AWS API reference)
MAX_ERROR = 256
MAX_CAUSE = 32_768
# RedriveExecution: "executions ... that didn't complete successfully in the last 14 days"
REDRIVE_WINDOW = timedelta(days=14)
REDRIVABLE_STATUSES = ("FAILED", "TIMED_OUT", "ABORTED")
HISTORY_PAGE = 1000  # GetExecutionHistory's documented maximum page

DEMO_MACHINE = "order-processing"
DEMO_TIMED_OUT_MACHINE = "payment-reconciliation"
DEMO_TIMED_OUT_EXECUTION = "reconcile-nightly"


class InputRefused(PlanRefused):
    """What the user gave cannot be acted on (bad JSON, unknown machine, not redrivable):
    nothing was sent. The command line exits 2 for it."""


# -- input -----------------------------------------------------------------------------------------
class InputError(JsonTextError):
    """Invalid execution input; `line` and `column` are 1-based."""


class InputTooLarge(ValueError):
    """The input is over StartExecution's limit."""


def parse_input(text: str) -> Any:
    """The JSON value of an execution's input: InputError (with the position) when it is not
    JSON, InputTooLarge when it is over StartExecution's limit."""
    value = parse_json_text(text, "the input is empty (use {} for an empty object)", InputError)
    size = len(text.encode("utf-8"))
    if size > MAX_INPUT_BYTES:
        raise InputTooLarge(f"the input is {size:,} bytes, over StartExecution's limit of {MAX_INPUT_BYTES:,} "
                            "bytes")
    return value


def check_name(name: str) -> None:
    """InputRefused unless `name` is a name StartExecution accepts."""
    bad = sorted({c for c in name if c in NAME_FORBIDDEN or ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F})
    if not 1 <= len(name) <= MAX_NAME:
        raise InputRefused(f"--name: expected 1 to {MAX_NAME} characters, got {len(name)}")
    if bad:
        shown = " ".join(repr(c) for c in bad)
        raise InputRefused(f"--name: expected no spaces, brackets, wildcards or any of \" # % \\ ^ | ~ ` $ & , ; : /"
                           f" (found {shown})")


def generated_name(now: datetime) -> str:
    """A name for an execution started without one: when, and a random tail (unique)."""
    return f"opsdeck-{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def digest(text: str) -> tuple[int, str]:
    body = text.encode("utf-8")
    return len(body), hashlib.sha256(body).hexdigest()


# -- ARNs and reads ----------------------------------------------------------------------------------
def execution_parts(arn: str) -> tuple[str, str]:
    """(machine name, execution name) from `arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME`
    (EXPRESS executions: `...:express:MACHINE:NAME:ID`)."""
    parts = arn.split(":")
    if len(parts) < 8 or parts[0] != "arn" or parts[2] != "states" or parts[5] not in ("execution", "express"):
        raise InputRefused(f"EXECUTION_ARN: expected arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME "
                           f"(or MACHINE/NAME), got {arn!r}")
    return parts[6], parts[7]


def check_execution_ref(ref: str) -> None:
    """InputRefused unless `ref` is an execution ARN or MACHINE/NAME (neither name holds '/')."""
    if not ref:
        raise InputRefused("EXECUTION_ARN: give the ARN of the execution (or MACHINE/NAME)")
    if ref.startswith("arn:"):
        execution_parts(ref)
    elif ref.count("/") != 1 or not all(ref.split("/")):
        raise InputRefused(f"EXECUTION_ARN: expected an execution ARN or MACHINE/NAME, got {ref!r}")


async def resolve_machine(ctx: AwsContext, machine: str) -> dict:
    """DescribeStateMachine of `machine` (a name or an ARN); InputRefused when there is none."""
    sfn = await ctx.client("stepfunctions")
    arn = machine
    if not machine.startswith("arn:"):
        found = next((m for m in await list_state_machines(ctx) if m["name"] == machine), None)
        if found is None:
            raise InputRefused(f"MACHINE: no state machine named {machine!r} in {ctx.target.region} "
                               "(`opsdeck sfn machines` lists them)",
                               tui=f"no state machine named {machine!r} in {ctx.target.region}")
        arn = found["stateMachineArn"]
    try:
        return await sfn.describe_state_machine(stateMachineArn=arn)
    except Exception as exc:
        if error_code(exc) in ("StateMachineDoesNotExist", "InvalidArn"):
            raise InputRefused(f"MACHINE: no state machine {machine!r} in {ctx.target.region}") from None
        raise


def execution_arn_for(machine_arn: str, name: str) -> str:
    return machine_arn.replace(":stateMachine:", ":execution:", 1) + f":{name}"


async def describe_execution(ctx: AwsContext, ref: str) -> dict:
    """DescribeExecution of `ref` (an execution ARN, or MACHINE/NAME); InputRefused when it
    names no execution."""
    check_execution_ref(ref)
    arn = ref
    if not ref.startswith("arn:"):
        machine, name = ref.split("/")
        arn = execution_arn_for((await resolve_machine(ctx, machine))["stateMachineArn"], name)
    sfn = await ctx.client("stepfunctions")
    try:
        return await sfn.describe_execution(executionArn=arn)
    except Exception as exc:
        code = error_code(exc)
        if code in ("ExecutionDoesNotExist", "InvalidArn"):
            raise InputRefused(f"EXECUTION_ARN: no execution {ref} in {ctx.target.region}") from None
        if code == "StateMachineTypeNotSupported":
            raise InputRefused(f"EXECUTION_ARN: {ref} is an EXPRESS execution, which AWS neither "
                               "describes, stops nor redrives") from None
        raise


@dataclass(frozen=True)
class PastExecution:
    """An execution whose input a new one can start from."""

    arn: str
    name: str
    status: str
    started_at: datetime | None


PAST_EXECUTIONS = 20  # the start form offers the inputs of the newest 20


async def past_executions(ctx: AwsContext, machine_arn: str, limit: int = PAST_EXECUTIONS) -> list[PastExecution]:
    """The machine's newest executions (one ListExecutions page). Raises what AWS raises:
    StateMachineTypeNotSupported for an EXPRESS machine."""
    sfn = await ctx.client("stepfunctions")
    page = await sfn.list_executions(stateMachineArn=machine_arn, maxResults=limit)
    return [PastExecution(e["executionArn"], e.get("name", ""), e.get("status", ""), e.get("startDate"))
            for e in page.get("executions", [])]


async def execution_input(ctx: AwsContext, execution_arn: str) -> str:
    """An execution's input (DescribeExecution), indented when it is JSON."""
    sfn = await ctx.client("stepfunctions")
    raw = (await sfn.describe_execution(executionArn=execution_arn)).get("input") or "{}"
    try:
        return json.dumps(json.loads(raw), indent=2, ensure_ascii=False)
    except ValueError:
        return raw


def _status_check(arn: str, expect: Iterable[str], also=None):
    """A read-back: DescribeExecution's status is one of `expect` (and `also(raw)` holds)."""
    expected = tuple(expect)

    async def check(ctx: AwsContext) -> tuple[bool, str]:
        sfn = await ctx.client("stepfunctions")
        raw = await sfn.describe_execution(executionArn=arn)
        status = raw.get("status", "")
        good, said = status in expected, f"execution {raw.get('name', arn)} is {status}"
        if also is not None:
            extra_good, extra = also(raw)
            good, said = good and extra_good, f"{said}, {extra}"
        return good, f"{said} (expected {' or '.join(expected)})" if status not in expected else said

    return check


# -- start -------------------------------------------------------------------------------------------
@register
class StartExecution(Action):
    """Start an execution of a machine (name or ARN) with a JSON input; the name is
    generated when not given. Verify: DescribeExecution shows it, with that input."""

    name = "stepfunctions.start-execution"
    title = "Start Step Functions execution"

    def __init__(self, machine: str, input: str | None = None, execution_name: str | None = None) -> None:
        if not machine:
            raise InputRefused("MACHINE: give the name or ARN of the state machine")
        text = "{}" if input is None else input
        try:
            self.value = parse_input(text)
        except (InputError, InputTooLarge) as exc:
            raise InputRefused(f"--input: {exc}") from None
        if execution_name:
            check_name(execution_name)
        self.machine = machine
        self.input = text
        self.execution_name = execution_name or None
        self.machine_arn: str | None = None
        self.execution_arn: str | None = None  # once started

    @classmethod
    def example_arguments(cls) -> dict[str, str]:
        return {"machine": DEMO_MACHINE, "input": '{"orderId": "o-1"}'}

    async def plan(self, ctx: AwsContext) -> Plan:
        machine = await resolve_machine(ctx, self.machine)
        arn, machine_name, kind = machine["stateMachineArn"], machine["name"], machine.get("type", "STANDARD")
        name = self.execution_name or generated_name(ctx.clock.now())
        if kind != EXPRESS and self.execution_name:
            await self._refuse_taken(ctx, arn, name)
        self.machine_arn, self.execution_name = arn, name
        size, sha = digest(self.input)
        what = f"execution {name} of {machine_name} ({kind})"
        step = Step(f"Start {what} with an input of {size:,} bytes (SHA-256 {sha[:12]}…)", None,
                    self._start, check=self._started(kind))
        details = {"machine": machine_name, "machine_arn": arn, "execution_name": name, "type": kind,
                   "input_bytes": str(size), "input_sha256": sha}
        return Plan(self.name, arn, machine_name, (step,), summary=f"Start {what}", details=details)

    async def _refuse_taken(self, ctx: AwsContext, machine_arn: str, name: str) -> None:
        """STANDARD names are unique per machine for 90 days: say so before sending."""
        sfn = await ctx.client("stepfunctions")
        try:
            await sfn.describe_execution(executionArn=execution_arn_for(machine_arn, name))
        except Exception as exc:
            if error_code(exc) == "ExecutionDoesNotExist":
                return
            raise
        raise InputRefused(f"--name: an execution named {name!r} already exists for this machine "
                           "(STANDARD names are unique for 90 days); choose another or leave it out")

    async def _start(self, ctx: AwsContext) -> None:
        sfn = await ctx.client("stepfunctions")
        answer = await sfn.start_execution(stateMachineArn=self.machine_arn, name=self.execution_name,
                                           input=self.input)
        self.execution_arn = answer["executionArn"]

    def _started(self, kind: str):
        async def check(ctx: AwsContext) -> tuple[bool, str]:
            if self.execution_arn is None:
                return False, "StartExecution returned no execution ARN"
            if kind == EXPRESS:  # AWS describes no EXPRESS execution: its ARN is the receipt
                return True, f"EXPRESS execution {self.execution_name} started ({self.execution_arn})"
            return await _status_check(self.execution_arn, STARTED, self._same_input)(ctx)
        return check

    def _same_input(self, raw: dict) -> tuple[bool, str]:
        try:
            good = json.loads(raw.get("input") or "null") == self.value
        except ValueError:
            good = False
        return good, "with the input sent" if good else "with an input other than the one sent"

    async def apply(self, ctx: AwsContext, plan: Plan, progress: ProgressCallback | None = None,
                    cancel: CancelFlag | None = None) -> ApplyResult:
        return await run_steps(ctx, plan.steps, progress, cancel, learnt=self._learnt)

    def _learnt(self, step: Step) -> dict[str, str] | None:
        return {"execution_arn": self.execution_arn} if self.execution_arn else None


STARTED = ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")  # it ran, however it went


# -- stop ------------------------------------------------------------------------------------------
@register
class StopExecution(Action):
    """Stop a RUNNING execution, with an optional error code and cause (AWS records them on
    the ExecutionAborted event). Verify: DescribeExecution shows ABORTED with them.

    No example_arguments(): the demo estate keeps no execution running, so the read-only
    proof has nothing to aim it at; tests/sfn_actions proves its refusal on one it starts."""

    name = "stepfunctions.stop-execution"
    title = "Stop Step Functions execution"

    def __init__(self, execution_arn: str, error: str | None = None, cause: str | None = None) -> None:
        check_execution_ref(execution_arn)
        if error and len(error) > MAX_ERROR:
            raise InputRefused(f"--error: expected at most {MAX_ERROR} characters, got {len(error):,}")
        if cause and len(cause) > MAX_CAUSE:
            raise InputRefused(f"--cause: expected at most {MAX_CAUSE:,} characters, got {len(cause):,}")
        self.execution_arn = execution_arn
        self.error = error or None
        self.cause = cause or None

    @classmethod
    def from_arn(cls, arn: str) -> "StopExecution":
        return cls(arn)

    async def plan(self, ctx: AwsContext) -> Plan:
        raw = await describe_execution(ctx, self.execution_arn)
        self.execution_arn = arn = raw["executionArn"]
        name, status, machine = raw.get("name", ""), raw.get("status", ""), _machine_name(raw)
        summary = f"Stop execution {name} of {machine}"
        given = ", ".join(f"{k} {v!r}" for k, v in (("error", self.error), ("cause", _short(self.cause))) if v)
        details = {"execution_name": name, "machine": machine, "error": self.error or "",
                   "cause_chars": str(len(self.cause or ""))}
        if status != "RUNNING":
            return Plan(self.name, arn, name, (), summary=summary, details=details,
                        note=f"execution {name} is {status}, not RUNNING: nothing to stop")
        step = Step(f"Stop execution {name} of {machine}: RUNNING -> ABORTED" + (f" ({given})" if given else ""),
                    None, self._stop, check=_status_check(arn, ("ABORTED",), self._recorded))
        return Plan(self.name, arn, name, (step,), summary=summary, details=details,
                    warnings=("Stopping cannot be undone: the execution ends ABORTED (a redrive can run it "
                              "again from where it stopped, within 14 days).",))

    async def _stop(self, ctx: AwsContext) -> None:
        sfn = await ctx.client("stepfunctions")
        given = {"error": self.error, "cause": self.cause}
        await sfn.stop_execution(executionArn=self.execution_arn, **{k: v for k, v in given.items() if v})

    def _recorded(self, raw: dict) -> tuple[bool, str]:
        """The error and cause given are the ones AWS kept."""
        wrong = [field for field, given in (("error", self.error), ("cause", self.cause))
                 if given and raw.get(field) != given]
        if wrong:
            found = ", ".join(f"{field} {raw.get(field)!r}" for field in wrong)
            return False, f"AWS recorded {found}, not what was given"
        return True, "error and cause as given" if self.error or self.cause else "no error or cause given"


def _machine_name(raw: dict) -> str:
    return raw.get("stateMachineArn", "").rsplit(":", 1)[-1]


def _short(text: str | None, limit: int = 60) -> str | None:
    if not text:
        return text
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- redrive -----------------------------------------------------------------------------------------
def unsuccessful_states(events: list[dict]) -> list[str]:
    """The states entered and never exited (where the execution stopped), in the order they
    were entered: where a redrive starts again. Events may come in either order."""
    open_count: dict[str, int] = {}
    order: list[str] = []
    for event in sorted(events, key=lambda e: e.get("id", 0)):
        kind = event.get("type", "")
        if kind.endswith("StateEntered"):
            name = event.get("stateEnteredEventDetails", {}).get("name", "")
            open_count[name] = open_count.get(name, 0) + 1
            if name not in order:
                order.append(name)
        elif kind.endswith("StateExited"):
            name = event.get("stateExitedEventDetails", {}).get("name", "")
            if open_count.get(name):
                open_count[name] -= 1
    return [name for name in order if open_count.get(name)]


def redrive_refusal(raw: dict, now: datetime) -> str | None:
    """Why DescribeExecution's execution cannot be redriven now (None: it can)."""
    status = raw.get("status", "")
    if status not in REDRIVABLE_STATUSES:
        return f"it is {status}; only FAILED, TIMED_OUT or ABORTED executions can be redriven"
    stopped = raw.get("stopDate")
    if isinstance(stopped, datetime) and now - stopped > REDRIVE_WINDOW:
        return (f"it ended {(now - stopped).days} days ago; AWS redrives executions only within 14 days "
                "of their end")
    if raw.get("redriveStatus") == "NOT_REDRIVABLE":
        return raw.get("redriveStatusReason") or "AWS says it is not redrivable"
    return None


@register
class RedriveExecution(Action):
    """Redrive a FAILED, TIMED_OUT or ABORTED STANDARD execution within AWS's 14-day window:
    it re-runs from its unsuccessful states with the same input and ARN. The plan names
    those states; verify reads DescribeExecution's redriveCount, one more than before."""

    name = "stepfunctions.redrive-execution"
    title = "Redrive Step Functions execution"

    def __init__(self, execution_arn: str) -> None:
        check_execution_ref(execution_arn)
        self.execution_arn = execution_arn

    @classmethod
    def from_arn(cls, arn: str) -> "RedriveExecution":
        return cls(arn)

    @classmethod
    def example_arguments(cls) -> dict[str, str]:
        """The demo's nightly reconciliation ends TIMED_OUT (its Wait outlasts its timeout)."""
        return {"execution_arn": f"{DEMO_TIMED_OUT_MACHINE}/{DEMO_TIMED_OUT_EXECUTION}"}

    async def plan(self, ctx: AwsContext) -> Plan:
        raw = await describe_execution(ctx, self.execution_arn)
        self.execution_arn = arn = raw["executionArn"]
        name, status, machine = raw.get("name", ""), raw.get("status", ""), _machine_name(raw)
        refusal = redrive_refusal(raw, ctx.clock.now())
        if refusal:
            raise InputRefused(f"EXECUTION_ARN: execution {name} cannot be redriven: {refusal}",
                               tui=f"execution {name} cannot be redriven: {refusal}")
        count = int(raw.get("redriveCount") or 0)
        states = unsuccessful_states(await _newest_events(ctx, arn))
        reruns = ", ".join(states) if states else "the states that did not succeed"
        step = Step(f"Redrive execution {name} of {machine}: {status} -> RUNNING (redrive {count + 1}); "
                    f"re-runs {reruns} and what follows, with the same input", None, self._redrive,
                    check=self._counted(count + 1))
        ended = f"{status} ({raw['error']})" if raw.get("error") else status
        details = {"execution_name": name, "machine": machine, "status": status,
                   "redrive_count": str(count), "reruns": ",".join(states)}
        return Plan(self.name, arn, name, (step,), summary=f"Redrive execution {name} of {machine}",
                    details=details, warnings=(f"It ended {ended}; the states that succeeded do not run again.",))

    async def _redrive(self, ctx: AwsContext) -> None:
        sfn = await ctx.client("stepfunctions")
        await sfn.redrive_execution(executionArn=self.execution_arn)

    def _counted(self, expected: int):
        async def check(ctx: AwsContext) -> tuple[bool, str]:
            sfn = await ctx.client("stepfunctions")
            raw = await sfn.describe_execution(executionArn=self.execution_arn)
            count = int(raw.get("redriveCount") or 0)
            return count == expected, (f"execution {raw.get('name', '')} is {raw.get('status', '')}, "
                                       f"redrive count {count} (expected {expected})")
        return check


async def _newest_events(ctx: AwsContext, arn: str) -> list[dict]:
    """The newest page of the history: where an execution stopped is at its end."""
    sfn = await ctx.client("stepfunctions")
    page = await sfn.get_execution_history(executionArn=arn, maxResults=HISTORY_PAGE, reverseOrder=True,
                                           includeExecutionData=False)
    return page.get("events", [])
