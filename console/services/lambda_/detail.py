"""Everything the function detail screen shows, fetched into frozen models.

One fetch function per section of the screen, so each section loads (and fails) on
its own: an AccessDenied on GetPolicy costs the S3 section, not the configuration.
Calls an endpoint does not implement (moto lacks some) come back as `Unavailable`
values, so the screen can say so instead of showing nothing.

Environment variable values are secrets more often than not: `EnvVar` keeps its value
out of repr(), so a model that reaches a log, a traceback or the audit trail never
carries it; the screen shows it only when the user asks for that one variable.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Awaitable, TypeVar

from botocore.exceptions import ClientError

from console.aws.accounting import expecting
from console.aws.context import AwsContext, bounded_gather
from console.aws.errors import ErrorClass, classify, error_code
from console.aws.limits import max_page
from console.services.lambda_.sources import _parse_time, list_aliases
from console.services.lambda_ import metrics as lambda_metrics
from console.services.lambda_.metrics import DEFAULT_WINDOW_MINUTES, NAMESPACE, WINDOW_CHOICES
from console.cloudwatch.logs import LogEvent, Report, to_ms
from console.cloudwatch.metrics import MetricQuery, Series, fetch_metrics
from console.services.lambda_.models import LambdaAlias, VersionFigures

T = TypeVar("T")

RECENT_INVOCATIONS = 20
REPORT_LOOKBACK = timedelta(hours=1)
# Windows read newest first, each older than the last, until enough REPORT lines are found:
# a busy function's last hour can hold thousands, its last five minutes enough.
REPORT_WINDOWS = (timedelta(minutes=5), timedelta(minutes=15), REPORT_LOOKBACK)
MAX_LOG_PAGES = 20  # per window: bounds the cost of one refresh on a very busy group
METRIC_PERIOD = 60
CHART_WINDOWS = WINDOW_CHOICES  # minutes, as on the Lambda panel


# Calls an endpoint lacks -------------------------------------------------------------
@dataclass(frozen=True)
class Unavailable:
    """The endpoint does not implement `operation` (moto lacks some): said, not hidden."""

    operation: str

    def __str__(self) -> str:
        return f"not available from this endpoint ({self.operation})"


_UNSUPPORTED_CODES = frozenset({"NotImplemented", "NotImplementedException", "UnknownOperationException",
                                "InvalidAction", "UnsupportedOperation", "404", "501"})


def is_unsupported(exc: BaseException) -> bool:
    """True when the endpoint has no such operation (moto answers an HTML 404 with code "404")."""
    if not isinstance(exc, ClientError):
        return False
    return (error_code(exc) or "") in _UNSUPPORTED_CODES


def _not_found(exc: BaseException) -> bool:
    return classify(exc) is ErrorClass.NOT_FOUND


async def _or_unavailable(operation: str, call: Awaitable[T]) -> T | Unavailable:
    try:
        with expecting(*_UNSUPPORTED_CODES):
            return await call
    except ClientError as exc:
        if is_unsupported(exc):
            return Unavailable(operation)
        raise


# Configuration -----------------------------------------------------------------------
@dataclass(frozen=True)
class EnvVar:
    """One environment variable. The value never appears in repr() (logs, audit, tracebacks)."""

    name: str
    value: str = field(repr=False)


@dataclass(frozen=True)
class Layer:
    arn: str  # the layer version ARN
    code_size: int | None

    @property
    def name(self) -> str:
        """`shared-utils` from arn:aws:lambda:REGION:ACCOUNT:layer:shared-utils:3."""
        parts = self.arn.split(":")
        return parts[6] if len(parts) > 7 else self.arn

    @property
    def version(self) -> str:
        parts = self.arn.split(":")
        return parts[7] if len(parts) > 7 else ""


@dataclass(frozen=True)
class VpcConfig:
    vpc_id: str
    subnets: tuple[str, ...]
    security_groups: tuple[str, ...]


@dataclass(frozen=True)
class FunctionConfiguration:
    """GetFunction's answer, the parts an on-call engineer reads."""

    name: str
    arn: str
    description: str
    runtime: str | None
    architecture: str
    memory_mb: int
    timeout_s: int
    ephemeral_storage_mb: int | None
    package_type: str
    image_uri: str | None
    handler: str | None
    role: str
    vpc: VpcConfig | None  # None: not in a VPC
    layers: tuple[Layer, ...]
    dead_letter_target: str | None
    environment: tuple[EnvVar, ...]
    environment_error: str | None  # KMS could not decrypt the variables
    last_modified: datetime | None
    code_sha256: str
    code_size: int | None
    state: str | None
    last_update_status: str | None
    tracing: str | None
    log_group: str  # LoggingConfig.LogGroup, else /aws/lambda/NAME


def log_group_of(function_name: str) -> str:
    return f"/aws/lambda/{function_name}"


def configuration_from_api(raw: dict) -> FunctionConfiguration:
    """From GetFunction's whole answer (Configuration + Code)."""
    conf = raw.get("Configuration") or {}
    code = raw.get("Code") or {}
    vpc_raw = conf.get("VpcConfig") or {}
    vpc = None
    if vpc_raw.get("VpcId") or vpc_raw.get("SubnetIds"):
        vpc = VpcConfig(vpc_raw.get("VpcId") or "", tuple(vpc_raw.get("SubnetIds") or ()),
                        tuple(vpc_raw.get("SecurityGroupIds") or ()))
    env = conf.get("Environment") or {}
    variables = env.get("Variables") or {}
    env_error = (env.get("Error") or {}).get("Message") or (env.get("Error") or {}).get("ErrorCode")
    name = conf.get("FunctionName") or ""
    return FunctionConfiguration(
        name=name,
        arn=conf.get("FunctionArn") or "",
        description=conf.get("Description") or "",
        runtime=conf.get("Runtime"),
        architecture=(conf.get("Architectures") or ["x86_64"])[0],
        memory_mb=int(conf.get("MemorySize") or 128),
        timeout_s=int(conf.get("Timeout") or 3),
        ephemeral_storage_mb=(conf.get("EphemeralStorage") or {}).get("Size"),
        package_type=conf.get("PackageType") or "Zip",
        image_uri=code.get("ImageUri"),
        handler=conf.get("Handler"),
        role=conf.get("Role") or "",
        vpc=vpc,
        layers=tuple(Layer(layer.get("Arn") or "", layer.get("CodeSize")) for layer in conf.get("Layers") or ()),
        dead_letter_target=(conf.get("DeadLetterConfig") or {}).get("TargetArn"),
        environment=tuple(EnvVar(k, str(v)) for k, v in sorted(variables.items())),
        environment_error=env_error,
        last_modified=_parse_time(conf.get("LastModified")),
        code_sha256=conf.get("CodeSha256") or "",
        code_size=conf.get("CodeSize"),
        state=conf.get("State"),
        last_update_status=conf.get("LastUpdateStatus"),
        tracing=(conf.get("TracingConfig") or {}).get("Mode"),
        log_group=(conf.get("LoggingConfig") or {}).get("LogGroup") or log_group_of(name),
    )


async def fetch_configuration(ctx: AwsContext, function_name: str) -> FunctionConfiguration:
    client = await ctx.client("lambda")
    return configuration_from_api(await client.get_function(FunctionName=function_name))


# Concurrency and destinations --------------------------------------------------------
@dataclass(frozen=True)
class ProvisionedConcurrency:
    qualifier: str  # alias or version
    requested: int
    available: int | None
    status: str


@dataclass(frozen=True)
class Concurrency:
    reserved: int | None  # None: unreserved (draws on the account's pool)
    provisioned: tuple[ProvisionedConcurrency, ...] | Unavailable


def _qualifier_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[7] if len(parts) > 7 else "$LATEST"


async def fetch_concurrency(ctx: AwsContext, function_name: str) -> Concurrency:
    client = await ctx.client("lambda")

    async def provisioned() -> tuple[ProvisionedConcurrency, ...]:
        raw = await ctx.collect("lambda", "list_provisioned_concurrency_configs", "ProvisionedConcurrencyConfigs",
                                FunctionName=function_name,
                                PaginationConfig={"PageSize": max_page("lambda", "ListProvisionedConcurrencyConfigs")})
        return tuple(
            ProvisionedConcurrency(
                _qualifier_of(item.get("FunctionArn") or ""),
                int(item.get("RequestedProvisionedConcurrentExecutions") or 0),
                item.get("AvailableProvisionedConcurrentExecutions"),
                item.get("Status") or "",
            )
            for item in raw
        )

    reserved, configs = await bounded_gather([
        client.get_function_concurrency(FunctionName=function_name),
        _or_unavailable("ListProvisionedConcurrencyConfigs", provisioned()),
    ])
    return Concurrency(reserved.get("ReservedConcurrentExecutions"), configs)


@dataclass(frozen=True)
class Destinations:
    """Asynchronous invocation settings (GetFunctionEventInvokeConfig)."""

    configured: bool  # False: no event invoke config (AWS defaults: 2 retries, 6 h)
    on_success: str | None = None
    on_failure: str | None = None
    retry_attempts: int | None = None
    max_event_age_s: int | None = None


async def fetch_destinations(ctx: AwsContext, function_name: str) -> Destinations | Unavailable:
    client = await ctx.client("lambda")
    try:
        with expecting(*_UNSUPPORTED_CODES, "ResourceNotFoundException"):  # none configured
            raw = await client.get_function_event_invoke_config(FunctionName=function_name)
    except ClientError as exc:
        if is_unsupported(exc):
            return Unavailable("GetFunctionEventInvokeConfig")
        if _not_found(exc):
            return Destinations(configured=False)
        raise
    config = raw.get("DestinationConfig") or {}
    return Destinations(
        configured=True,
        on_success=(config.get("OnSuccess") or {}).get("Destination"),
        on_failure=(config.get("OnFailure") or {}).get("Destination"),
        retry_attempts=raw.get("MaximumRetryAttempts"),
        max_event_age_s=raw.get("MaximumEventAgeInSeconds"),
    )


# Versions and aliases ----------------------------------------------------------------
@dataclass(frozen=True)
class FunctionVersion:
    version: str  # "$LATEST" or a number
    description: str
    code_sha256: str
    last_modified: datetime | None

    @property
    def sort_key(self) -> tuple[int, int]:
        """$LATEST first, then published versions newest first."""
        return (0, 0) if self.version == "$LATEST" else (1, -int(self.version) if self.version.isdigit() else 0)


async def fetch_versions(ctx: AwsContext, function_name: str) -> tuple[FunctionVersion, ...]:
    raw = await ctx.collect("lambda", "list_versions_by_function", "Versions", FunctionName=function_name,
                            PaginationConfig={"PageSize": max_page("lambda", "ListVersionsByFunction")})
    versions = [
        FunctionVersion(item.get("Version") or "", item.get("Description") or "", item.get("CodeSha256") or "",
                        _parse_time(item.get("LastModified")))
        for item in raw
    ]
    return tuple(sorted(versions, key=lambda v: v.sort_key))


async def fetch_aliases(ctx: AwsContext, function_name: str) -> tuple[LambdaAlias, ...]:
    return tuple(await list_aliases(ctx, function_name))


# Triggers: event source mappings -----------------------------------------------------
_SOURCE_KINDS = {"sqs": "SQS", "dynamodb": "DynamoDB", "kinesis": "Kinesis", "kafka": "MSK", "mq": "MQ",
                 "rds": "DocumentDB", "docdb": "DocumentDB"}


@dataclass(frozen=True)
class EventSourceMapping:
    uuid: str
    kind: str  # SQS | DynamoDB | Kinesis | MSK | MQ | DocumentDB | Kafka
    source: str  # a short name: queue, table, stream
    source_arn: str
    state: str
    batch_size: int | None
    batching_window_s: int | None
    starting_position: str | None
    last_processing_result: str | None
    state_reason: str | None


def source_of(arn: str) -> tuple[str, str]:
    """(kind, short name) of an event source ARN."""
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return ("Kafka" if not arn else "?", arn)
    kind = _SOURCE_KINDS.get(parts[2], parts[2])
    resource = parts[5]
    if parts[2] == "dynamodb":  # table/inventory/stream/2026-...
        return kind, resource.split("/")[1] + " (stream)" if "/" in resource else resource
    if parts[2] == "kinesis":  # stream/orders
        return kind, resource.split("/", 1)[-1]
    if parts[2] == "kafka":  # cluster/name/uuid
        pieces = resource.split("/")
        return kind, pieces[1] if len(pieces) > 1 else resource
    return kind, resource


def mapping_from_api(raw: dict) -> EventSourceMapping:
    arn = raw.get("EventSourceArn") or ""
    kind, name = source_of(arn)
    if not arn and raw.get("SelfManagedEventSource"):
        servers = (raw["SelfManagedEventSource"].get("Endpoints") or {}).get("KAFKA_BOOTSTRAP_SERVERS") or []
        kind, name = "Kafka", ",".join(raw.get("Topics") or []) or ",".join(servers)
    return EventSourceMapping(
        uuid=raw.get("UUID") or "",
        kind=kind,
        source=name,
        source_arn=arn,
        state=raw.get("State") or "",
        batch_size=raw.get("BatchSize"),
        batching_window_s=raw.get("MaximumBatchingWindowInSeconds"),
        starting_position=raw.get("StartingPosition"),
        last_processing_result=raw.get("LastProcessingResult"),
        state_reason=raw.get("StateTransitionReason"),
    )


async def fetch_event_source_mappings(ctx: AwsContext, function_name: str) -> tuple[EventSourceMapping, ...]:
    raw = await ctx.collect("lambda", "list_event_source_mappings", "EventSourceMappings", FunctionName=function_name,
                            PaginationConfig={"PageSize": max_page("lambda", "ListEventSourceMappings")})
    return tuple(mapping_from_api(item) for item in raw)


def _targets_function(uri: str, function_arn: str) -> str | None:
    """The qualifier ("" unqualified) if `uri` invokes the function (plain, alias or version ARN,
    or API Gateway's `.../functions/ARN/invocations` form), else None."""
    match = re.search(re.escape(function_arn) + r"(?::([\w$-]+))?(?=$|/invocations)", uri or "")
    if match is None:
        return None
    return match.group(1) or ""


# Triggers: HTTP APIs -----------------------------------------------------------------
@dataclass(frozen=True)
class HttpApiTrigger:
    api_id: str
    api_name: str
    protocol: str  # HTTP | WEBSOCKET
    endpoint: str
    integration_id: str
    qualifier: str  # "" when the integration calls the function unqualified
    routes: tuple[str, ...]  # route keys using the integration


async def fetch_http_apis(ctx: AwsContext, function_arn: str) -> tuple[HttpApiTrigger, ...]:
    """API Gateway v2 APIs with an integration that invokes the function, and their routes."""
    apis = await ctx.collect("apigatewayv2", "get_apis", "Items")

    async def one(api: dict) -> list[HttpApiTrigger]:
        api_id = api["ApiId"]
        integrations = await ctx.collect("apigatewayv2", "get_integrations", "Items", ApiId=api_id)
        matching = {
            item["IntegrationId"]: qualifier
            for item in integrations
            if (qualifier := _targets_function(item.get("IntegrationUri") or "", function_arn)) is not None
        }
        if not matching:
            return []
        routes = await ctx.collect("apigatewayv2", "get_routes", "Items", ApiId=api_id)
        return [
            HttpApiTrigger(
                api_id=api_id,
                api_name=api.get("Name") or api_id,
                protocol=api.get("ProtocolType") or "HTTP",
                endpoint=api.get("ApiEndpoint") or "",
                integration_id=integration_id,
                qualifier=qualifier,
                routes=tuple(sorted(r.get("RouteKey") or "" for r in routes
                                    if (r.get("Target") or "") == f"integrations/{integration_id}")),
            )
            for integration_id, qualifier in matching.items()
        ]

    found = await bounded_gather(one(api) for api in apis)
    return tuple(trigger for per_api in found for trigger in per_api)


# Triggers: S3 ------------------------------------------------------------------------
@dataclass(frozen=True)
class S3Notification:
    bucket: str
    config_id: str
    events: tuple[str, ...]
    prefix: str | None
    suffix: str | None
    qualifier: str


@dataclass(frozen=True)
class S3Unconfirmed:
    """A bucket the policy lets invoke the function but whose notifications were not confirmed."""

    source: str  # bucket name, a wildcard ARN, or "any bucket"
    reason: str


@dataclass(frozen=True)
class S3Triggers:
    has_policy: bool  # False: no resource policy, so no bucket can invoke the function
    notifications: tuple[S3Notification, ...] = ()
    unconfirmed: tuple[S3Unconfirmed, ...] = ()


def _principals(statement: dict) -> set[str]:
    principal = statement.get("Principal")
    if isinstance(principal, str):
        return {principal}
    if isinstance(principal, dict):
        values = principal.get("Service") or []
        return {values} if isinstance(values, str) else set(values)
    return set()


def _source_arns(statement: dict) -> list[str]:
    arns: list[str] = []
    for operator, conditions in (statement.get("Condition") or {}).items():
        if not operator.startswith(("ArnLike", "ArnEquals", "StringEquals", "StringLike")):
            continue
        for key, value in (conditions or {}).items():
            if key.lower() == "aws:sourcearn":
                arns.extend([value] if isinstance(value, str) else list(value))
    return arns


def s3_candidates(policy: dict) -> tuple[list[str], list[S3Unconfirmed]]:
    """Bucket names the resource policy lets S3 invoke the function for, and what cannot be checked."""
    buckets: list[str] = []
    unconfirmed: list[S3Unconfirmed] = []
    for statement in policy.get("Statement") or ():
        if statement.get("Effect", "Allow") != "Allow" or "s3.amazonaws.com" not in _principals(statement):
            continue
        arns = _source_arns(statement)
        if not arns:
            unconfirmed.append(S3Unconfirmed("any bucket", "the policy has no SourceArn; buckets are not scanned"))
        for arn in arns:
            bucket = arn.removeprefix("arn:aws:s3:::")
            if "*" in bucket or "?" in bucket or arn == bucket:
                unconfirmed.append(S3Unconfirmed(arn, "wildcard in SourceArn; buckets are not scanned"))
            elif bucket not in buckets:
                buckets.append(bucket)
    return buckets, unconfirmed


async def fetch_s3_triggers(ctx: AwsContext, function_name: str, function_arn: str) -> S3Triggers:
    """Buckets from the resource policy (principal s3.amazonaws.com), confirmed by their
    notification configuration. No bucket outside the policy is ever read."""
    client = await ctx.client("lambda")
    try:
        with expecting("ResourceNotFoundException"):  # no resource policy
            raw = await client.get_policy(FunctionName=function_name)
    except ClientError as exc:
        if _not_found(exc):
            return S3Triggers(has_policy=False)
        raise
    policy = json.loads(raw.get("Policy") or "{}")
    buckets, unconfirmed = s3_candidates(policy)
    s3 = await ctx.client("s3")

    async def one(bucket: str) -> list[S3Notification] | S3Unconfirmed:
        try:
            config = await s3.get_bucket_notification_configuration(Bucket=bucket)
        except ClientError as exc:
            code = error_code(exc) or "error"
            reason = "access denied: s3:GetBucketNotificationConfiguration" if classify(exc) is ErrorClass.ACCESS_DENIED \
                else f"{code}: {str(exc).splitlines()[0][:120]}"
            return S3Unconfirmed(bucket, reason)
        found = []
        for item in config.get("LambdaFunctionConfigurations") or ():
            qualifier = _targets_function(item.get("LambdaFunctionArn") or "", function_arn)
            if qualifier is None:
                continue
            rules = {r.get("Name", "").lower(): r.get("Value") for r in
                     ((item.get("Filter") or {}).get("Key") or {}).get("FilterRules") or ()}
            found.append(S3Notification(bucket, item.get("Id") or "", tuple(item.get("Events") or ()),
                                        rules.get("prefix"), rules.get("suffix"), qualifier))
        if not found:
            return S3Unconfirmed(bucket, "allowed by the policy, but the bucket sends it no notification")
        return found

    results = await bounded_gather(one(b) for b in buckets)
    notifications = tuple(n for r in results if isinstance(r, list) for n in r)
    unconfirmed += [r for r in results if isinstance(r, S3Unconfirmed)]
    return S3Triggers(True, notifications, tuple(unconfirmed))


# Triggers: EventBridge ---------------------------------------------------------------
@dataclass(frozen=True)
class RuleTrigger:
    name: str
    bus: str
    state: str
    schedule: str | None
    pattern: str | None
    qualifier: str


async def _event_buses(ctx: AwsContext) -> list[str]:
    client = await ctx.client("events")
    names: list[str] = []
    token: str | None = None
    while True:
        page = await client.list_event_buses(Limit=max_page("events", "ListEventBuses"),
                                             **({"NextToken": token} if token else {}))
        names.extend(bus["Name"] for bus in page.get("EventBuses") or ())
        token = page.get("NextToken")
        if not token:
            return names or ["default"]


async def fetch_rules(ctx: AwsContext, function_name: str, function_arn: str) -> tuple[RuleTrigger, ...]:
    """Rules on every bus that target the function or one of its aliases (ListRuleNamesByTarget
    is an exact ARN match, so each alias ARN is asked too)."""
    aliases = await list_aliases(ctx, function_name)
    arns = {function_arn: ""} | {f"{function_arn}:{a.name}": a.name for a in aliases}
    buses = await _event_buses(ctx)
    pairs = [(bus, arn) for bus in buses for arn in arns]

    async def names(bus: str, arn: str) -> list[str]:
        return await ctx.collect("events", "list_rule_names_by_target", "RuleNames", TargetArn=arn, EventBusName=bus,
                                 PaginationConfig={"PageSize": max_page("events", "ListRuleNamesByTarget")})

    found = await bounded_gather(names(bus, arn) for bus, arn in pairs)
    wanted: dict[tuple[str, str], str] = {}
    for (bus, arn), rule_names in zip(pairs, found):
        for name in rule_names:
            wanted.setdefault((bus, name), arns[arn])
    client = await ctx.client("events")

    async def describe(bus: str, name: str) -> RuleTrigger:
        raw = await client.describe_rule(Name=name, EventBusName=bus)
        return RuleTrigger(name, bus, raw.get("State") or "", raw.get("ScheduleExpression"),
                           raw.get("EventPattern"), wanted[(bus, name)])

    rules = await bounded_gather(describe(bus, name) for bus, name in wanted)
    return tuple(sorted(rules, key=lambda r: (r.bus != "default", r.bus, r.name)))


# Recent invocations ------------------------------------------------------------------
@dataclass(frozen=True)
class Invocation:
    """One REPORT line: when, and what Lambda says the invocation cost."""

    timestamp: datetime
    report: Report
    stream: str

    @property
    def version(self) -> str | None:
        """`3` from a stream named 2026/11/27/[3]abc... (Lambda names streams by version)."""
        match = re.search(r"\[([^\]]+)\]", self.stream)
        return match.group(1) if match else None


@dataclass(frozen=True)
class RecentInvocations:
    log_group: str
    group_exists: bool
    invocations: tuple[Invocation, ...]  # newest first
    lookback: timedelta


async def fetch_recent_invocations(
    ctx: AwsContext, log_group: str, limit: int = RECENT_INVOCATIONS
) -> RecentInvocations:
    """The newest `limit` REPORT lines of the last hour, newest first.

    FilterLogEvents returns oldest first, so reading the whole hour of a busy function to
    keep its last 20 lines would be costly: windows are read newest first (last 5 min,
    then 5-15, then 15-60) and the search stops once `limit` lines are found.
    """
    client = await ctx.client("logs")
    now = ctx.clock.now()
    found: list[Invocation] = []
    seen: set[str] = set()  # window edges are inclusive: a line on one is read twice
    newer = now
    for span in REPORT_WINDOWS:
        start = now - span
        params: dict[str, Any] = {"logGroupName": log_group, "filterPattern": '"REPORT RequestId"',
                                  "startTime": to_ms(start), "endTime": to_ms(newer)}
        token: str | None = None
        for _ in range(MAX_LOG_PAGES):
            try:
                page = await client.filter_log_events(**params, **({"nextToken": token} if token else {}))
            except ClientError as exc:
                if _not_found(exc):
                    return RecentInvocations(log_group, False, (), REPORT_LOOKBACK)
                raise
            for raw in page.get("events") or ():
                event = LogEvent.from_api(log_group, raw)
                report = event.report
                if report is not None and event.event_id not in seen:
                    seen.add(event.event_id)
                    found.append(Invocation(event.timestamp, report, event.stream))
            next_token = page.get("nextToken")
            if not next_token or next_token == token:
                break
            token = next_token
        newer = start
        if len(found) >= limit:
            break
    found.sort(key=lambda inv: inv.timestamp, reverse=True)
    return RecentInvocations(log_group, True, tuple(found[:limit]), REPORT_LOOKBACK)


# Metrics -----------------------------------------------------------------------------
@dataclass(frozen=True)
class FunctionCharts:
    """Series of one function over a window at `period_s` (lambda_metrics.period_for: a
    minute up to 3 hours, 10 minutes for 24), oldest first, zero where no datapoint; and
    each version's own figures behind its weighted aliases."""

    start: datetime
    end: datetime
    period_s: int
    invocations: tuple[float, ...]
    errors: tuple[float, ...]
    throttles: tuple[float, ...]
    duration_avg_ms: tuple[float, ...]
    duration_max_ms: tuple[float, ...]
    versions: tuple[VersionFigures, ...] = ()

    @property
    def window(self) -> timedelta:
        return self.end - self.start


_CHART_QUERIES = (
    ("inv", "Invocations", "Sum"),
    ("err", "Errors", "Sum"),
    ("thr", "Throttles", "Sum"),
    ("davg", "Duration", "Average"),
    ("dmax", "Duration", "Maximum"),
)


def per_period(series: Series, start: datetime, end: datetime, period_s: int = METRIC_PERIOD) -> tuple[float, ...]:
    step = timedelta(seconds=period_s)
    by_slot = {int((ts - start) / step): v for ts, v in series}
    slots = int((end - start) / step)
    return tuple(by_slot.get(i, 0.0) for i in range(slots))


def chart_queries(function_name: str, period: int = METRIC_PERIOD) -> list[MetricQuery]:
    """The charts' queries: the function's own series ({FunctionName}, every version)."""
    dims = (("FunctionName", function_name),)
    return [MetricQuery(f"c_{suffix}", NAMESPACE, metric, dims, stat, period)
            for suffix, metric, stat in _CHART_QUERIES]


async def fetch_charts(ctx: AwsContext, function_name: str, minutes: int = DEFAULT_WINDOW_MINUTES) -> FunctionCharts:
    """The function's series over the last `minutes` and, when an alias of it routes to
    two versions, each version's own invocations and errors: its aliases (one ListAliases),
    then one GetMetricData call."""
    start, end = lambda_metrics.window_bounds(ctx.clock.now(), minutes)
    period = lambda_metrics.period_for(minutes)
    routes = lambda_metrics.weighted_routes(await list_aliases(ctx, function_name)).get(function_name, ())
    own = lambda_metrics.version_queries(0, function_name, minutes, routes)
    results = await fetch_metrics(ctx, chart_queries(function_name, period) + own, start, end)

    def series(suffix: str) -> tuple[float, ...]:
        return per_period(results.get(f"c_{suffix}", []), start, end, period)

    return FunctionCharts(start, end, period, series("inv"), series("err"), series("thr"),
                          series("davg"), series("dmax"),
                          lambda_metrics.version_figures(0, routes, results, end, minutes))

