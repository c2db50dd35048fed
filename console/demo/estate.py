"""The demo estate's names and the helpers the seeder and the simulator share.

One place says what the demo account holds (function names, the cluster, the
log groups) and how a Lambda or ECS log line looks, so the seeder that writes
the past and the simulator that writes the present cannot drift apart.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cached_property
from typing import Any

import boto3
from botocore.config import Config

from console.aws.models_cache import share_service_models

REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"
ACCOUNT_HEADER = "x-moto-account-id"
EMBEDDED_HEADER = "x-opsdeck-embedded"  # a request the embedded AWS makes of itself (seeder, simulator)

LAMBDA_ROLE = "opsdeck-demo-lambda"
SFN_ROLE = "opsdeck-demo-sfn"
EVENTS_ROLE = "opsdeck-demo-events"
LIVE_ALIAS = "live"
LAYER = "shared-utils"

ORDERS_QUEUE = "orders-queue"
INVENTORY_TABLE = "inventory"
UPLOADS_BUCKET = "opsdeck-demo-uploads"
UPLOADS_PREFIX = "uploads/"
HTTP_API = "items-http-api"

CLUSTER = "my-cluster"
TASK_FAMILY = "my-app"
CONTAINER = "app"
SERVICE = "api-service"  # FARGATE + FARGATE_SPOT, circuit breaker with rollback, a deployment history
WORKER_SERVICE = "worker-service"  # one task fails its container health check about every 30 s
DB_SECRET = "my-app/db"
PAYMENTS_SECRET = "my-app/payments"
ECS_LOG_GROUP = "/ecs/my-app"
ECS_STREAM_PREFIX = "app"


@dataclass(frozen=True)
class Revision:
    """One revision of the my-app task definition: what differs between them (the revision diff)."""

    tag: str
    cpu: str
    memory: str
    ports: tuple[int, ...]
    environment: tuple[tuple[str, str], ...]
    secrets: tuple[str, ...]  # names; DB_PASSWORD from DB_SECRET, PAYMENTS_API_KEY from PAYMENTS_SECRET
    health_path: str
    health_retries: int


# Revision n is REVISIONS[n - 1]. api-service was deployed on 2, then on 3 (its PRIMARY: the
# rollback target is 2); worker-service runs 3; 4 carries an image the embedded AWS treats as
# broken (its tag ends in -broken: it fails its health checks), for the "deploy a broken
# image" story.
REVISIONS: tuple[Revision, ...] = (
    Revision("1.1.0", "512", "1024", (8080,), (("APP_ENV", "prod"), ("RELEASE", "1.1.0")),
             ("DB_PASSWORD",), "/health", 3),
    Revision("1.2.0", "512", "1024", (8080, 9100),
             (("APP_ENV", "prod"), ("FEATURE_FLAGS", "checkout-v2"), ("RELEASE", "1.2.0")),
             ("DB_PASSWORD", "PAYMENTS_API_KEY"), "/health", 3),
    Revision("1.3.0", "1024", "2048", (8080, 9100),
             (("APP_ENV", "prod"), ("FEATURE_FLAGS", "checkout-v2,fast-refunds"), ("LOG_FORMAT", "json"),
              ("RELEASE", "1.3.0")),
             ("DB_PASSWORD", "PAYMENTS_API_KEY"), "/healthz", 2),
    Revision("1.4.0-broken", "1024", "2048", (8080, 9100),
             (("APP_ENV", "prod"), ("FEATURE_FLAGS", "checkout-v2,fast-refunds"), ("LOG_FORMAT", "json"),
              ("RELEASE", "1.4.0")),
             ("DB_PASSWORD", "PAYMENTS_API_KEY"), "/healthz", 2),
)
PREVIOUS_REVISION = 2
DEPLOYED_REVISION = 3
BROKEN_REVISION = 4


def ecs_image(account: str, tag: str) -> str:
    return f"{account}.dkr.ecr.{REGION}.amazonaws.com/{TASK_FAMILY}:{tag}"

ORDER_MACHINE = "order-processing"
BATCH_MACHINE = "batch-fulfilment"
RECONCILE_MACHINE = "payment-reconciliation"
# EXPRESS: order status events, many short executions (AWS lists none of them: only its
# AWS/States metrics show how they went).
EVENTS_MACHINE = "order-events"
# Its execution logs, where Step Functions' console suggests (AWS lists no EXPRESS executions).
EVENTS_MACHINE_LOG_GROUP = "/aws/vendedlogs/states/order-events"
EVENT_KINDS = (("status", 0.91), ("malformed", 0.06), ("partner", 0.03))  # partner: waits past its timeout
ORDERS_BUS = "orders-bus"

# EventBridge scheduled rules and Scheduler schedules beyond the first few (seed._events):
SWEEPER_RULE = "order-sweeper"  # rate(15 minutes) -> batch-fulfilment with an empty batch
SWEEPER_INPUT = {"itemCount": 0, "items": []}
FAILING_RULE = "cart-expiry"  # hourly -> cleanup:3, a version never published: FailedInvocations
MISSED_RULE = "inventory-sync"  # its backfilled history misses one fire ...
MISSED_FIRE = 24  # ... this many periods before seeding (2 h: rate(5 minutes))
BACKFILL = timedelta(hours=24)  # AWS/Events and AWS/Scheduler history written at seeding
SCHEDULE_GROUP = "reports"
FAILING_SCHEDULE = "partner-sync"  # rate(30 minutes) -> send-confirmation:9 (missing), DLQ below
SCHEDULER_DLQ = "scheduler-dlq"

# The Lambda extension of the embedded server fails an invocation whose
# payload carries this top-level key; its value becomes the error message.
FAIL_MARKER = "__opsdeck_fail__"
VALIDATION_ERROR = "ValidationError"  # what validate-order raises for a bad order


@dataclass(frozen=True)
class FunctionSpec:
    """One function of the estate: enough to create it and to fake its traffic."""

    name: str
    runtime: str  # "" for container-image functions
    memory: int
    versions: int  # published versions; `live` points at the last (or canaries)
    rate: int  # typical invocations per 5 s tick
    duration_ms: float  # typical duration
    layer: bool = False
    image: bool = False

    @property
    def handler(self) -> str:
        return "index.handler" if self.runtime.startswith("nodejs") else "app.handler"


FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec("validate-order", "python3.12", 256, 3, 40, 35.0, layer=True),
    FunctionSpec("check-inventory", "python3.12", 256, 2, 35, 60.0, layer=True),
    FunctionSpec("process-payment", "python3.11", 512, 3, 30, 220.0, layer=True),
    FunctionSpec("send-confirmation", "nodejs20.x", 128, 2, 28, 90.0),
    FunctionSpec("update-inventory", "python3.12", 256, 2, 25, 45.0),
    FunctionSpec("process-upload", "python3.11", 1024, 2, 6, 850.0),
    FunctionSpec("cleanup", "python3.12", 128, 2, 1, 1200.0),
    FunctionSpec("items-api", "", 512, 2, 50, 18.0, image=True),
)
FUNCTION_NAMES = tuple(f.name for f in FUNCTIONS)

# process-payment's `live` alias is mid-canary: version 2 carries 90 %,
# version 3 the remaining 10 %, and the canary version errs now and then.
CANARY_FUNCTION = "process-payment"
CANARY_STABLE_VERSION = "2"
CANARY_VERSION = "3"
CANARY_WEIGHT = 0.1
CANARY_ERROR_RATE = 0.08
CANARY_AGE = timedelta(minutes=25)  # the canary's version was published this long before seeding
RELEASE_GAP = timedelta(days=3)  # between a function's seeded releases


class Clients:
    """boto3 clients for the embedded server, optionally pinned to one moto account.

    moto picks the account from the `x-moto-account-id` header, so tests that
    change state can each work in an account of their own. Every request carries
    EMBEDDED_HEADER: the seeder and the simulator stand in for AWS itself and for the
    account's workloads, so the realistic mode's API quotas never refuse them.
    """

    def __init__(self, endpoint: str, account: str | None = None, region: str = REGION):
        self.endpoint = endpoint
        self.account = account
        self.region = region
        self._session = boto3.session.Session(
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name=region,
        )
        # the control API makes Clients per call (simulated traffic): each session read the
        # service models and endpoint rules (JSON) again, 70 % of a session server's CPU in a
        # sampled half-minute of the suite
        share_service_models(self._session._session)
        self._clients: dict[str, Any] = {}

    def __call__(self, service: str) -> Any:
        client = self._clients.get(service)
        if client is None:
            client = self._session.client(
                service,
                endpoint_url=self.endpoint,
                config=Config(retries={"max_attempts": 2, "mode": "standard"}),
            )
            client.meta.events.register("before-send", self._add_headers)
            self._clients[service] = client
        return client

    def _add_headers(self, request: Any, **_: Any) -> None:
        request.headers[EMBEDDED_HEADER] = "1"
        if self.account:
            request.headers[ACCOUNT_HEADER] = self.account

    @cached_property
    def account_id(self) -> str:
        return self.account or DEFAULT_ACCOUNT


def uploads_bucket(account: str) -> str:
    """S3 bucket names are global, so accounts other than the default get a suffix."""
    return UPLOADS_BUCKET if account == DEFAULT_ACCOUNT else f"{UPLOADS_BUCKET}-{account}"


def release_name(number: int) -> str:
    """The release a function's version `number` carries (version 1 is 1.1.0)."""
    return f"1.{number}.0"


def image_uri(account: str, spec: FunctionSpec, release: int = 1) -> str:
    """The container image of a function's release (image functions)."""
    return f"{account}.dkr.ecr.{REGION}.amazonaws.com/{spec.name}:{release_name(release)}"


def function_zip(spec: FunctionSpec, release: int = 1) -> bytes:
    """A tiny but real deployment package, so GetFunction shows a sane CodeSize; each
    release's code differs (its CodeSha256 too), as a real release's would."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        if spec.runtime.startswith("nodejs"):
            archive.writestr(
                "index.mjs",
                f"const RELEASE = '{release_name(release)}';\n"
                "export const handler = async (event) => {\n"
                f"  console.log(JSON.stringify({{level: 'INFO', msg: '{spec.name} called'}}));\n"
                "  return event;\n};\n",
            )
        else:
            archive.writestr(
                "app.py",
                f"import json\n\nRELEASE = '{release_name(release)}'\n\n\ndef handler(event, context):\n"
                f"    print(json.dumps({{'level': 'INFO', 'msg': '{spec.name} called'}}))\n"
                "    return event\n",
            )
    return buf.getvalue()


def ms(moment: datetime) -> int:
    """Epoch milliseconds, the unit of every CloudWatch Logs timestamp."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1000)


def request_id(rng: random.Random) -> str:
    """A UUID-shaped request id drawn from `rng`, so logs are reproducible."""
    h = "%032x" % rng.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def lambda_stream_name(moment: datetime, version: str, rng: random.Random) -> str:
    """`2026/11/27/[$LATEST]<32 hex>`: the layout Lambda gives its log streams."""
    return f"{moment:%Y/%m/%d}/[{version}]{rng.getrandbits(128):032x}"


def ecs_stream_name(task_id: str) -> str:
    """awslogs layout: `<prefix>/<container>/<task id>`."""
    return f"{ECS_STREAM_PREFIX}/{CONTAINER}/{task_id}"


@dataclass(frozen=True)
class Invocation:
    """One simulated invocation: what its START/END/REPORT lines report."""

    request_id: str
    version: str
    duration_ms: float
    memory_mb: int
    max_memory_mb: int
    init_ms: float | None = None  # set on a cold start
    error: str | None = None  # the exception message when it failed


def invocation_lines(fn: str, inv: Invocation, app_lines: list[str]) -> list[str]:
    """The lines the Lambda runtime writes around one invocation, app lines inside."""
    rid = inv.request_id
    lines = [f"START RequestId: {rid} Version: {inv.version}"]
    lines += app_lines
    if inv.error:
        lines.append(python_traceback(fn, rid, inv.error))
    lines.append(f"END RequestId: {rid}")
    report = (
        f"REPORT RequestId: {rid}\tDuration: {inv.duration_ms:.2f} ms\t"
        f"Billed Duration: {int(-(-inv.duration_ms // 1))} ms\t"
        f"Memory Size: {inv.memory_mb} MB\tMax Memory Used: {inv.max_memory_mb} MB"
    )
    if inv.init_ms is not None:
        report += f"\tInit Duration: {inv.init_ms:.2f} ms"
    lines.append(report)
    return lines


def app_line(level: str, msg: str, **fields: Any) -> str:
    """A structured application log line, the JSON shape Powertools writes."""
    return json.dumps({"level": level, "msg": msg, **fields}, separators=(",", ":"))


def python_traceback(fn: str, rid: str, message: str) -> str:
    """A multi-line ERROR record as the Python runtime prints an unhandled exception."""
    return (
        f"[ERROR]\t{rid}\tPaymentDeclined: {message}\n"
        "Traceback (most recent call last):\n"
        f'  File "/var/task/app.py", line 42, in handler\n'
        "    result = charge(event['payment'])\n"
        f'  File "/var/task/{fn.replace("-", "_")}/gateway.py", line 118, in charge\n'
        f"    raise PaymentDeclined({message!r})"
    )


def put_lines(logs: Any, group: str, stream: str, lines: list[str], start_ms: int) -> int:
    """Write lines to a stream (created if missing), 1 ms apart; returns the count."""
    try:
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    events = [{"timestamp": start_ms + i, "message": line} for i, line in enumerate(lines)]
    for i in range(0, len(events), 10_000):
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events[i : i + 10_000])
    return len(events)


def ensure_log_group(logs: Any, group: str) -> None:
    try:
        logs.create_log_group(logGroupName=group)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass


def fake_invocation(
    rng: random.Random,
    spec: FunctionSpec,
    version: str,
    *,
    cold: bool = False,
    error: str | None = None,
) -> Invocation:
    """Draw one invocation's figures around the function's typical duration."""
    duration = max(1.0, rng.gauss(spec.duration_ms, spec.duration_ms * 0.25))
    if error:
        duration *= 1.6
    return Invocation(
        request_id=request_id(rng),
        version=version,
        duration_ms=round(duration, 2),
        memory_mb=spec.memory,
        max_memory_mb=min(spec.memory, int(spec.memory * rng.uniform(0.25, 0.6)) + 40),
        init_ms=round(rng.uniform(120.0, 480.0), 2) if cold else None,
        error=error,
    )


_APP_MESSAGES = {
    "validate-order": ("order validated", "order_id"),
    "check-inventory": ("stock reserved", "sku"),
    "process-payment": ("payment authorised", "order_id"),
    "send-confirmation": ("confirmation email queued", "order_id"),
    "update-inventory": ("inventory updated", "sku"),
    "process-upload": ("upload processed", "key"),
    "cleanup": ("expired carts removed", "count"),
    "items-api": ("GET /items 200", "path"),
}


def fake_app_lines(rng: random.Random, spec: FunctionSpec, inv: Invocation) -> list[str]:
    """The handler's own log lines for one invocation (structured JSON)."""
    msg, key = _APP_MESSAGES.get(spec.name, ("handled", "id"))
    value: Any = f"ord-{rng.randrange(10_000, 99_999)}"
    if key == "sku":
        value = f"SKU-{rng.randrange(100, 999)}"
    elif key == "key":
        value = f"{UPLOADS_PREFIX}{rng.randrange(1000, 9999)}.csv"
    elif key == "count":
        value = rng.randrange(0, 400)
    elif key == "path":
        value = "/items"
    lines = [app_line("INFO", "received event", requestId=inv.request_id)]
    if inv.error:
        lines.append(app_line("ERROR", inv.error, requestId=inv.request_id, **{key: value}))
    else:
        lines.append(app_line("INFO", msg, requestId=inv.request_id, **{key: value}))
    return lines


def ecs_app_lines(rng: random.Random, task_id: str, *, starting: bool) -> list[str]:
    """What the `app` container prints: a startup banner or request lines."""
    if starting:
        return [
            f"Starting my-app (task {task_id})",
            "Connected to database my-app-db.cluster-demo.us-east-1.rds.amazonaws.com:5432",
            "Listening on 0.0.0.0:8080",
        ]
    return [
        f'10.0.{rng.randrange(0, 4)}.{rng.randrange(2, 250)} - - "GET /orders/{rng.randrange(1000, 9999)} HTTP/1.1" '
        f"200 {rng.randrange(200, 4000)} {rng.uniform(2, 80):.1f}ms"
        for _ in range(rng.randrange(1, 4))
    ]


def order_input(
    rng: random.Random,
    number: int,
    *,
    fail_validation: str | None = None,
    fail_payment: str | None = None,
    fail_confirmation: str | None = None,
) -> dict[str, Any]:
    """An order as the shop's API sends it; fail markers placed where one Lambda sees them
    (validation: the whole order, ValidateOrder; payment: ProcessPayment's `$.payment`;
    confirmation: the SendConfirmation branch's `$.confirmation`). A bad order raises the
    validator's own ValidationError, which the workflow catches by name."""
    order: dict[str, Any] = {
        "orderId": f"ord-{number}",
        "customerId": f"cust-{rng.randrange(100, 999)}",
        "items": [{"sku": f"SKU-{rng.randrange(100, 999)}", "qty": rng.randrange(1, 4)} for _ in range(rng.randrange(1, 4))],
        "payment": {"method": "card", "amount": round(rng.uniform(9.5, 240.0), 2), "currency": "EUR"},
        "confirmation": {"channel": "email"},
    }
    if fail_validation:
        order[FAIL_MARKER] = {"errorType": VALIDATION_ERROR, "errorMessage": fail_validation}
    if fail_payment:
        order["payment"][FAIL_MARKER] = fail_payment
    if fail_confirmation:
        order["confirmation"][FAIL_MARKER] = fail_confirmation
    return order


def batch_input(count: int, first_sku: int = 100, out_of_stock: set[int] = frozenset()) -> dict[str, Any]:
    """A fulfilment batch of `count` items; the items at the indexes in `out_of_stock` carry
    the fail marker (their ReserveItem iteration fails)."""
    items: list[dict[str, Any]] = []
    for index in range(count):
        item: dict[str, Any] = {"sku": f"SKU-{first_sku + index}", "qty": 1 + index % 3}
        if index in out_of_stock:
            item[FAIL_MARKER] = f"SKU-{first_sku + index} is out of stock"
        items.append(item)
    return {"itemCount": count, "items": items}


def order_event(rng: random.Random, number: int, kind: str = "status") -> dict[str, Any]:
    """An order status event as the shop publishes it; `kind` picks the order-events path
    (status: delivered, malformed: rejected, partner: waits for a partner and times out)."""
    event: dict[str, Any] = {
        "kind": kind,
        "orderId": f"ord-{number}",
        "status": rng.choice(("PAID", "PACKED", "SHIPPED", "DELIVERED")),
    }
    if kind == "malformed":
        del event["orderId"]
    return event


def event_kind(rng: random.Random) -> str:
    roll, edge = rng.random(), 0.0
    for kind, share in EVENT_KINDS:
        edge += share
        if roll < edge:
            return kind
    return EVENT_KINDS[0][0]


def express_minute_datums(rng: random.Random, machine_arn: str, minute: datetime, mean: float) -> list[dict[str, Any]]:
    """One minute of AWS/States metrics for an EXPRESS machine that did not run here (the
    demo's backfilled history, the large estate's bulk machines): what Step Functions
    writes per execution (console.demo.extensions.sfn_metrics: ExecutionsStarted twice,
    1 then 0; 1 or 0 per outcome; one ExecutionTime each), folded into one statistic set
    per metric, so Sum, SampleCount and Average read as if written one by one."""
    started = max(0, round(rng.gauss(mean, mean * 0.2)))
    if not started:
        return []
    kinds = [event_kind(rng) for _ in range(started)]
    failed, timed_out = kinds.count("malformed"), kinds.count("partner")
    times = [rng.uniform(60.0, 180.0) if k == "status" else rng.uniform(5.0, 15.0) if k == "malformed" else 60_000.0
             for k in kinds]
    dims = [{"Name": "StateMachineArn", "Value": machine_arn}]

    def stats(name: str, unit: str, samples: int, total: float, low: float, high: float) -> dict[str, Any]:
        return {"MetricName": name, "Dimensions": dims, "Timestamp": minute, "Unit": unit, "StatisticValues": {
            "SampleCount": float(samples), "Sum": round(total, 3), "Minimum": low, "Maximum": high}}

    def counts(name: str, ones: int, samples: int) -> dict[str, Any]:
        return stats(name, "Count", samples, ones, 0.0 if ones < samples else 1.0, 1.0 if ones else 0.0)

    return [
        counts("ExecutionsStarted", started, 2 * started),
        counts("ExecutionsSucceeded", started - failed - timed_out, started),
        counts("ExecutionsFailed", failed, started),
        counts("ExecutionsAborted", 0, started),
        counts("ExecutionsTimedOut", timed_out, started),
        stats("ExecutionTime", "Milliseconds", started, sum(times), min(times), max(times)),
    ]
