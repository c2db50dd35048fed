"""AWS's documented limits the console lives within: request-rate quotas and page sizes.

One table, with the source of every figure, read by the console (how many items to ask
for per page, how fast it may call), the embedded AWS (which enforces them in its
realistic mode) and `make bench` (the minimum calls a refresh can make, calls per minute
against each quota). The contract tests in tests/contract/ restate the documented
figures literally, with their sources, so a wrong number here fails a test instead of
being agreed with by both sides.

Where AWS documents no figure, the entry says so (`assumed`) and why the assumption
is what it is; `make bench` prints "assumed" beside those quotas.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# Regions where Step Functions documents larger buckets (service-quotas.html: "US East
# (N. Virginia), US West (Oregon), and Europe (Ireland)").
SFN_LARGE_REGIONS = frozenset({"us-east-1", "us-west-2", "eu-west-1"})

LAMBDA_QUOTAS = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html#api-requests"
ECS_THROTTLING = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html"
SFN_QUOTAS = "https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html"
CW_QUOTAS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html"
LOGS_QUOTAS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html"
EVENTS_QUOTAS = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html"
SCHEDULER_QUOTAS = "https://docs.aws.amazon.com/scheduler/latest/UserGuide/scheduler-quotas.html"
STS_QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-sts"

NO_BURST = "AWS documents no bucket size: assumed one second's worth of the rate"


@dataclass(frozen=True)
class Quota:
    """A request-rate quota per account and region: a token bucket of `burst` tokens
    refilled at `rate` a second, shared by `operations` (botocore service name and API
    operation names). An empty `operations` means every operation of the service that no
    other quota of that service names, except `exempt`."""

    name: str
    service: str
    rate: float
    burst: float
    operations: frozenset[str] = frozenset()
    exempt: frozenset[str] = frozenset()
    error: str = "ThrottlingException"  # the code AWS answers with, and its HTTP status
    status: int = 400
    source: str = ""
    assumed: str = ""  # why a figure is assumed, when AWS documents none

    def covers(self, operation: str) -> bool:
        if self.operations:
            return operation in self.operations
        return operation not in self.exempt

    @property
    def per_minute(self) -> float:
        return self.rate * 60


def _q(name: str, service: str, rate: float, burst: float | None, operations: tuple[str, ...] = (), **kw) -> Quota:
    if burst is None:
        kw["assumed"] = "; ".join(filter(None, (kw.get("assumed"), NO_BURST)))
        burst = rate
    return Quota(name, service, rate, burst, frozenset(operations), **kw)


_LAMBDA = dict(error="TooManyRequestsException", status=429, source=LAMBDA_QUOTAS)
_ECS = dict(source=ECS_THROTTLING)
_SFN = dict(source=SFN_QUOTAS)


@lru_cache(maxsize=None)
def quotas(region: str = "us-east-1") -> tuple[Quota, ...]:
    """Every quota opsdeck's calls fall under, with `region`'s figures."""
    large = region in SFN_LARGE_REGIONS
    logs_filter = 25.0 if region == "us-east-1" else 5.0 if region in {
        "ap-northeast-3", "ap-southeast-3", "ca-west-1", "eu-central-1", "il-central-1"} else 10.0
    logs_get = 30.0 if region == "eu-west-3" else 10.0 if region in {
        "us-west-2", "ap-northeast-3", "ap-southeast-3", "ca-west-1", "eu-central-1", "eu-west-1",
        "il-central-1"} else 25.0
    scheduler_get = 1000.0 if region in {
        "us-east-1", "us-east-2", "us-west-2", "ap-northeast-1", "ap-south-1", "ap-southeast-1",
        "ap-southeast-2", "eu-central-1", "eu-west-1", "eu-west-2", "sa-east-1"} else 250.0
    return (
        # Lambda: "Remainder of the control plane API requests (excludes invocation, GetFunction,
        # and GetPolicy requests): 15 requests per second across all APIs"
        _q("lambda control plane", "lambda", 15, None, exempt=frozenset({"Invoke", "GetFunction", "GetPolicy"}),
           **_LAMBDA),
        _q("lambda GetFunction", "lambda", 100, None, ("GetFunction",), **_LAMBDA),
        _q("lambda GetPolicy", "lambda", 15, None, ("GetPolicy",), **_LAMBDA),
        # ECS: one bucket per category, the same in every region
        _q("ecs cluster reads", "ecs", 20, 50, ("DescribeClusters", "ListClusters"), **_ECS),
        _q("ecs service reads", "ecs", 20, 100, ("DescribeServices", "ListServices"), **_ECS),
        _q("ecs cluster resource reads", "ecs", 20, 100,
           ("DescribeTasks", "ListTasks", "DescribeContainerInstances", "ListAttributes", "ListContainerInstances"),
           **_ECS),
        _q("ecs task definition reads", "ecs", 20, 50,
           ("DescribeTaskDefinition", "ListTaskDefinitions", "ListTaskDefinitionFamilies"), **_ECS),
        _q("ecs service deployment reads", "ecs", 20, 50,
           ("DescribeServiceDeployments", "ListServiceDeployments"), **_ECS),
        _q("ecs service revision reads", "ecs", 20, 50, ("DescribeServiceRevisions",), **_ECS),
        _q("ecs service modifications", "ecs", 5, 50, ("CreateService", "DeleteService", "UpdateService"), **_ECS),
        _q("ecs cluster resource modifications", "ecs", 40, 100, ("RunTask", "StartTask", "StopTask"), **_ECS),
        # Step Functions: one bucket per API; larger in us-east-1, us-west-2 and eu-west-1
        _q("stepfunctions ListStateMachines", "stepfunctions", 5, 100, ("ListStateMachines",), **_SFN),
        _q("stepfunctions DescribeStateMachine", "stepfunctions", 20, 200, ("DescribeStateMachine",), **_SFN),
        _q("stepfunctions ListExecutions", "stepfunctions", 5 if large else 2, 200 if large else 100,
           ("ListExecutions",), **_SFN),
        _q("stepfunctions DescribeExecution", "stepfunctions", 15 if large else 10, 300 if large else 250,
           ("DescribeExecution",), **_SFN),
        _q("stepfunctions GetExecutionHistory", "stepfunctions", 20, 400, ("GetExecutionHistory",), **_SFN),
        _q("stepfunctions StartExecution", "stepfunctions", 300 if large else 150, 1300 if large else 800,
           ("StartExecution",), **_SFN),
        _q("stepfunctions StopExecution", "stepfunctions", 200 if large else 25, 1000 if large else 500,
           ("StopExecution",), **_SFN),
        _q("stepfunctions RedriveExecution", "stepfunctions", 300 if large else 150, 1300 if large else 800,
           ("RedriveExecution",), **_SFN),
        _q("stepfunctions ListMapRuns", "stepfunctions", 1, 100, ("ListMapRuns",), **_SFN),
        _q("stepfunctions DescribeMapRun", "stepfunctions", 1, 200, ("DescribeMapRun",), **_SFN),
        _q("stepfunctions DescribeStateMachineForExecution", "stepfunctions", 1, 200,
           ("DescribeStateMachineForExecution",), **_SFN),
        # CloudWatch (metrics): the Service Quotas table of cloudwatch_limits.html
        _q("cloudwatch GetMetricData", "cloudwatch", 500, None, ("GetMetricData",), error="Throttling",
           source=CW_QUOTAS),
        _q("cloudwatch ListMetrics", "cloudwatch", 25, None, ("ListMetrics",), error="Throttling", source=CW_QUOTAS),
        _q("cloudwatch PutMetricData", "cloudwatch", 500, None, ("PutMetricData",), error="Throttling",
           source=CW_QUOTAS),
        _q("cloudwatch GetMetricStatistics", "cloudwatch", 400, None, ("GetMetricStatistics",), error="Throttling",
           source=CW_QUOTAS),
        # CloudWatch Logs
        _q("logs FilterLogEvents", "logs", logs_filter, None, ("FilterLogEvents",), source=LOGS_QUOTAS),
        _q("logs GetLogEvents", "logs", logs_get, None, ("GetLogEvents",), source=LOGS_QUOTAS),
        _q("logs DescribeLogGroups", "logs", 10, None, ("DescribeLogGroups",), source=LOGS_QUOTAS),
        _q("logs DescribeLogStreams", "logs", 25, None, ("DescribeLogStreams",), source=LOGS_QUOTAS),
        _q("logs PutLogEvents", "logs", 5000, None, ("PutLogEvents",), source=LOGS_QUOTAS),
        _q("logs StartLiveTail", "logs", 5, None, ("StartLiveTail",), source=LOGS_QUOTAS),
        # EventBridge: "All EventBridge APIs other than PutEvents are limited to 50 requests per
        # second by default" (the archived quota page; the current page no longer lists it)
        _q("events API", "events", 50, None, exempt=frozenset({"PutEvents"}), source=EVENTS_QUOTAS,
           assumed="the 50 requests a second are from the archived quota page"),
        _q("scheduler GetSchedule", "scheduler", scheduler_get, None, ("GetSchedule",), status=429,
           source=SCHEDULER_QUOTAS),
        _q("scheduler list operations", "scheduler", 50, None, ("ListSchedules", "ListScheduleGroups"), status=429,
           source=SCHEDULER_QUOTAS,
           assumed="AWS documents no rate for ListSchedules or ListScheduleGroups: assumed EventBridge's 50"),
        # STS: "600 requests per second, per account, per Region", shared by these operations
        _q("sts", "sts", 600, None, ("AssumeRole", "DecodeAuthorizationMessage", "GetAccessKeyInfo",
                                     "GetCallerIdentity", "GetFederationToken", "GetSessionToken"),
           error="Throttling", source=STS_QUOTAS),
    )


@lru_cache(maxsize=None)
def quota_for(service: str, operation: str, region: str = "us-east-1") -> Quota | None:
    """The quota a call falls under (None: no documented request-rate quota, e.g. Invoke)."""
    for quota in quotas(region):
        if quota.service == service and quota.covers(operation):
            return quota
    return None


# Page and batch sizes ------------------------------------------------------------------------
@dataclass(frozen=True)
class PageLimit:
    """The most items one call returns (a list call) or accepts (a describe call), its
    parameter, and what AWS does when asked for more.

    `maximum` is what the console asks for. `minimum` and `accepts` bound the values AWS
    takes at all (the botocore model's range; botocore checks only the minimum, and not at
    all with parameter validation off): between `maximum` and `accepts` a "capped"
    operation answers at most `maximum` items; outside [minimum, accepts] AWS refuses the
    call. A `batch` limit counts the items of a list parameter (DescribeServices'
    `services`), not a page size."""

    service: str
    operation: str
    parameter: str
    maximum: int
    over: str  # "capped": AWS silently returns at most `maximum`; "error": AWS refuses the call
    default: int | None = None  # what AWS returns when the parameter is not given
    source: str = ""
    assumed: str = ""
    minimum: int = 1
    accepts: int | None = None  # the largest value AWS accepts; None: `maximum`
    batch: bool = False

    @property
    def largest_accepted(self) -> int:
        return self.maximum if self.accepts is None else self.accepts


LAMBDA_API = "https://docs.aws.amazon.com/lambda/latest/api/API_{}.html"
ECS_API = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_{}.html"
SFN_API = "https://docs.aws.amazon.com/step-functions/latest/apireference/API_{}.html"
CW_API = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_{}.html"
LOGS_API = "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_{}.html"
EVENTS_API = "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_{}.html"
SCHEDULER_API = "https://docs.aws.amazon.com/scheduler/latest/APIReference/API_{}.html"


def _p(service: str, operation: str, parameter: str, maximum: int, over: str, default: int | None, url: str,
       assumed: str = "", **kw) -> PageLimit:
    return PageLimit(service, operation, parameter, maximum, over, default, url.format(operation), assumed, **kw)


def _b(service: str, operation: str, parameter: str, maximum: int, url: str, assumed: str = "") -> PageLimit:
    """A describe call's batch: at most `maximum` items in `parameter`, more is refused."""
    return _p(service, operation, parameter, maximum, "error", None, url, assumed, batch=True)


# botocore's MaxListItems (1-10000): the values Lambda's list calls accept at all
LAMBDA_ACCEPTS = 10_000
# Where AWS documents a range but not its answer outside it
REFUSAL = "AWS documents the range, not its answer outside it: assumed a refusal (a validation error)"


OVER_10000 = "above MaxListItems' 10000 " + REFUSAL.split(": ", 1)[1]


def _also(*notes: str) -> str:
    return "; ".join(filter(None, notes))


PAGE_LIMITS: tuple[PageLimit, ...] = (
    # "ListFunctions returns a maximum of 50 items in each response, even if you set the number higher."
    # ("Lambda returns up to 50 functions per call."); MaxItems: MaxListItems, 1-10000
    _p("lambda", "ListFunctions", "MaxItems", 50, "capped", 50, LAMBDA_API, OVER_10000, accepts=LAMBDA_ACCEPTS),
    _p("lambda", "ListVersionsByFunction", "MaxItems", 50, "capped", 50, LAMBDA_API, OVER_10000,
       accepts=LAMBDA_ACCEPTS),
    _p("lambda", "ListEventSourceMappings", "MaxItems", 100, "capped", 100, LAMBDA_API,
       _also("AWS documents no default page size for ListEventSourceMappings: assumed the maximum", OVER_10000),
       accepts=LAMBDA_ACCEPTS),
    _p("lambda", "ListAliases", "MaxItems", 50, "capped", 50, LAMBDA_API,
       _also("AWS documents no per-response cap for ListAliases: assumed 50, like ListFunctions", OVER_10000),
       accepts=LAMBDA_ACCEPTS),
    # MaxItems: MaxProvisionedConcurrencyConfigListItems, 1-50
    _p("lambda", "ListProvisionedConcurrencyConfigs", "MaxItems", 50, "error", None, LAMBDA_API,
       assumed=_also("AWS documents no default page size for ListProvisionedConcurrencyConfigs", REFUSAL)),
    # "This value can be between 1 and 100."
    _p("ecs", "ListClusters", "maxResults", 100, "error", 100, ECS_API, REFUSAL),
    _p("ecs", "ListServices", "maxResults", 100, "error", 10, ECS_API, REFUSAL),
    _p("ecs", "ListTasks", "maxResults", 100, "error", 100, ECS_API, REFUSAL),
    _p("ecs", "ListServiceDeployments", "maxResults", 100, "error", 20, ECS_API, REFUSAL),
    # "A list of up to 100 cluster names", "up to 10 services", "up to 100 task IDs"; more is
    # refused: "service names can have at most 10 items." (observed on AWS, as for taskIds)
    _b("ecs", "DescribeClusters", "clusters", 100, ECS_API,
       "no observed answer for more than 100 clusters: assumed the refusal AWS gives for services and tasks"),
    _b("ecs", "DescribeServices", "services", 10, ECS_API),
    _b("ecs", "DescribeTasks", "tasks", 100, ECS_API),
    _b("ecs", "DescribeServiceDeployments", "serviceDeploymentArns", 20, ECS_API, REFUSAL),
    # "The default is 100 and the maximum allowed page size is 1000. A value of 0 uses the default."
    _p("stepfunctions", "ListStateMachines", "maxResults", 1000, "error", 100, SFN_API, REFUSAL, minimum=0),
    _p("stepfunctions", "ListExecutions", "maxResults", 1000, "error", 100, SFN_API, REFUSAL, minimum=0),
    _p("stepfunctions", "GetExecutionHistory", "maxResults", 1000, "error", 100, SFN_API, REFUSAL, minimum=0),
    _p("stepfunctions", "ListMapRuns", "maxResults", 1000, "error", 100, SFN_API, REFUSAL, minimum=0),
    # "A single GetMetricData call can include as many as 500 MetricDataQuery structures."
    _b("cloudwatch", "GetMetricData", "MetricDataQueries", 500, CW_API, REFUSAL),
    # "Up to 500 results are returned for any one call."
    _p("cloudwatch", "ListMetrics", "", 500, "capped", 500, CW_API),
    # DescribeLimit: 1-50; "the default is up to 50 items"
    _p("logs", "DescribeLogGroups", "limit", 50, "error", 50, LOGS_API),
    _p("logs", "DescribeLogStreams", "limit", 50, "error", 50, LOGS_API),
    # EventsLimit: 1-10000; "The default is 10,000 events."
    _p("logs", "FilterLogEvents", "limit", 10_000, "error", 10_000, LOGS_API),
    # LimitMax100: "The maximum number of results per page for requests is 100."
    _p("events", "ListEventBuses", "Limit", 100, "error", 100, EVENTS_API,
       assumed=_also("AWS documents no default page size for ListEventBuses: assumed the maximum",
                   REFUSAL)),
    _p("events", "ListRules", "Limit", 100, "error", 100, EVENTS_API,
       assumed=_also("AWS documents no default page size for ListRules: assumed the maximum",
                   REFUSAL)),
    _p("events", "ListRuleNamesByTarget", "Limit", 100, "error", 100, EVENTS_API,
       assumed=_also("AWS documents no default page size for ListRuleNamesByTarget: assumed the maximum",
                   REFUSAL)),
    _p("events", "ListTargetsByRule", "Limit", 100, "error", 100, EVENTS_API,
       assumed=_also("AWS documents no default page size for ListTargetsByRule: assumed the maximum",
                   REFUSAL)),
    # MaxResults: 1-100
    _p("scheduler", "ListSchedules", "MaxResults", 100, "error", 100, SCHEDULER_API,
       assumed=_also("AWS documents no default page size for ListSchedules: assumed the maximum",
                   REFUSAL)),
    _p("scheduler", "ListScheduleGroups", "MaxResults", 100, "error", 100, SCHEDULER_API,
       assumed=_also("AWS documents no default page size for ListScheduleGroups: assumed the maximum",
                   REFUSAL)),
)


# PutMetricData (botocore:cloudwatch PutMetricData; CW_API): "Each PutMetricData request is
# limited to 1 MB in size for HTTP POST requests. You can send a payload compressed by gzip.
# Each request is also limited to no more than 1000 different metrics", and "Using the
# Values and Counts method enables you to publish up to 150 values per metric with one
# PutMetricData request".
PUT_METRIC_DATA_MAX_METRICS = 1000
PUT_METRIC_DATA_MAX_VALUES = 150
PUT_METRIC_DATA_MAX_BYTES = 1_000_000
PUT_METRIC_DATA_SOURCE = CW_API.format("PutMetricData")


def page_limit(service: str, operation: str) -> PageLimit:
    for limit in PAGE_LIMITS:
        if (limit.service, limit.operation) == (service, operation):
            return limit
    raise KeyError(f"no documented page size for {service}:{operation}")


def max_page(service: str, operation: str) -> int:
    """The most items to ask for in one call of `operation`."""
    return page_limit(service, operation).maximum
