"""What AWS does with a page or batch larger than it allows, on moto's handlers.

moto 5.2.5 takes any page size and any batch: 11 services in one DescribeServices,
maxResults=5000 on ListTasks or ListStateMachines, Limit=500 on ListRules, 501
queries in one GetMetricData. A console that asks for too much looks fine on moto
and fails on AWS, so the documented limits are kept here, each read from
console.aws.limits.PAGE_LIMITS (the table the console reads too):

- a batch (DescribeClusters/Services/Tasks, GetMetricData's queries) with more
  items than documented is refused;
- a page size outside the accepted range (the botocore model's, which botocore
  itself checks only at its minimum, and not at all with parameter validation off)
  is refused. Lambda's "capped" lists accept up to 10,000 and answer at most their
  documented page (console.demo.extensions.pagination).

The error each refusal carries, and why (the contract tests in tests/contract/
restate them):

- ECS: InvalidParameterException, the operations' modelled error for a bad
  parameter. Over-long batches use the text observed on AWS: "service names can
  have at most 10 items." and "taskIds can have at most 100 items."; for clusters,
  where no answer was observed, the same form ("clusters can have at most 100
  items."). For maxResults outside 1-100 AWS documents the range only; the text
  here ("maxResults must be between 1 and 100.") is ours.
- Lambda, Step Functions, EventBridge, Scheduler: ValidationException with AWS's
  generic constraint text, "1 validation error detected: Value '1001' at
  'maxResults' failed to satisfy constraint: Member must have value less than or
  equal to 1000" (the form AWS answers for model constraints; none of these pages
  document the text).
- CloudWatch Logs: InvalidParameterException with the same text, as observed on
  AWS ("Value '51' at 'limit' failed to satisfy constraint: Member must have value
  less than or equal to 50"). moto already refuses above the maximum; the minimum
  is added here.
- CloudWatch GetMetricData: ValidationError (CloudWatch's code for invalid input,
  which moto's GetMetricData already uses), "The collection MetricDataQueries must
  not have a size greater than 500." (ours: AWS documents only the 500).

Each check is one parameter read on one handler, so the estate's steady polling
pays nothing measurable. The checks run inside moto's handlers, so moto serialises
the error in the request's protocol (JSON, rest-JSON or CBOR).
"""

from __future__ import annotations

from typing import Any, Callable

_installed = False

# Error code AWS answers with when a page size or batch is out of range, per service.
ERROR_CODES = {
    "ecs": "InvalidParameterException",
    "lambda": "ValidationException",
    "stepfunctions": "ValidationException",
    "events": "ValidationException",
    "scheduler": "ValidationException",
    "logs": "InvalidParameterException",
    "cloudwatch": "ValidationError",
}

# What ECS calls each batch in its refusal ("service names can have at most 10 items.").
ECS_BATCH_NAMES = {"services": "service names", "tasks": "taskIds", "clusters": "clusters"}

# (service, operation) -> (moto response class, its handler) for every limit enforced here.
HANDLERS = {
    ("ecs", "ListClusters"): ("moto.ecs.responses:EC2ContainerServiceResponse", "list_clusters"),
    ("ecs", "ListServices"): ("moto.ecs.responses:EC2ContainerServiceResponse", "list_services"),
    ("ecs", "ListTasks"): ("moto.ecs.responses:EC2ContainerServiceResponse", "list_tasks"),
    ("ecs", "DescribeClusters"): ("moto.ecs.responses:EC2ContainerServiceResponse", "describe_clusters"),
    ("ecs", "DescribeServices"): ("moto.ecs.responses:EC2ContainerServiceResponse", "describe_services"),
    ("ecs", "DescribeTasks"): ("moto.ecs.responses:EC2ContainerServiceResponse", "describe_tasks"),
    ("lambda", "ListFunctions"): ("moto.awslambda.responses:LambdaResponse", "list_functions"),
    ("lambda", "ListVersionsByFunction"): ("moto.awslambda.responses:LambdaResponse", "list_versions_by_function"),
    ("lambda", "ListEventSourceMappings"): ("moto.awslambda.responses:LambdaResponse", "list_event_source_mappings"),
    ("lambda", "ListAliases"): ("moto.awslambda.responses:LambdaResponse", "list_aliases"),
    ("stepfunctions", "ListStateMachines"): ("moto.stepfunctions.responses:StepFunctionResponse",
                                             "list_state_machines"),
    ("stepfunctions", "ListExecutions"): ("moto.stepfunctions.responses:StepFunctionResponse", "list_executions"),
    ("stepfunctions", "GetExecutionHistory"): ("moto.stepfunctions.responses:StepFunctionResponse",
                                               "get_execution_history"),
    ("events", "ListEventBuses"): ("moto.events.responses:EventsHandler", "list_event_buses"),
    ("events", "ListRules"): ("moto.events.responses:EventsHandler", "list_rules"),
    ("events", "ListRuleNamesByTarget"): ("moto.events.responses:EventsHandler", "list_rule_names_by_target"),
    ("events", "ListTargetsByRule"): ("moto.events.responses:EventsHandler", "list_targets_by_rule"),
    ("scheduler", "ListSchedules"): ("moto.scheduler.responses:EventBridgeSchedulerResponse", "list_schedules"),
    ("scheduler", "ListScheduleGroups"): ("moto.scheduler.responses:EventBridgeSchedulerResponse",
                                          "list_schedule_groups"),
    ("logs", "DescribeLogGroups"): ("moto.logs.responses:LogsResponse", "describe_log_groups"),
    ("logs", "DescribeLogStreams"): ("moto.logs.responses:LogsResponse", "describe_log_streams"),
    ("logs", "FilterLogEvents"): ("moto.logs.responses:LogsResponse", "filter_log_events"),
    ("cloudwatch", "GetMetricData"): ("moto.cloudwatch.responses:CloudWatchResponse", "get_metric_data"),
}


def constraint_message(parameter: str, value: Any, low: int, high: int) -> str:
    """AWS's generic model-constraint text for a number outside [low, high]."""
    member = parameter[:1].lower() + parameter[1:]
    bound = f"less than or equal to {high}" if int(value) > high else f"greater than or equal to {low}"
    return f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: " \
           f"Member must have value {bound}"


def refusal(limit: Any, value: Any) -> tuple[str, str] | None:
    """(error code, message) AWS answers for this page size or batch, or None if it is accepted.
    `limit` is the operation's console.aws.limits.PageLimit; `value` the page-size parameter
    as sent (None: not sent) or, for a batch, its items."""
    service = limit.service
    if limit.batch:
        count = len(value) if isinstance(value, (list, tuple)) else 0
        if count <= limit.maximum:
            return None
        code = ERROR_CODES[service]
        if service == "ecs":
            name = ECS_BATCH_NAMES.get(limit.parameter, limit.parameter)
            return code, f"{name} can have at most {limit.maximum} items."
        return code, f"The collection {limit.parameter} must not have a size greater than {limit.maximum}."
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None  # not a number: moto answers as it does
    low, high = limit.minimum, limit.largest_accepted
    if low <= number <= high:
        return None
    if service == "ecs":
        return ERROR_CODES[service], f"{limit.parameter} must be between {low} and {high}."
    return ERROR_CODES[service], constraint_message(limit.parameter, number, low, high)


def _reader(service: str, operation: str, parameter: str) -> Callable[[Any], Any]:
    if service == "lambda":  # rest-json, the page size in the query string
        return lambda response: response.querystring.get(parameter, [None])[0]
    if (service, operation) == ("cloudwatch", "GetMetricData"):
        def queries(response: Any) -> Any:
            fast = getattr(response, "_opsdeck_gmd", None)  # cloudwatch_index's JSON shortcut
            return (fast if fast is not None else response._get_params()).get(parameter)

        return queries
    return lambda response: response._get_param(parameter)


def _refused_class() -> type:
    """moto's serialisable exception, from a module outside moto: moto then looks its code up
    in the request's own service model only (a moto.core exception makes it look for a
    service named "core")."""
    from moto.core.exceptions import ServiceException

    class Refused(ServiceException):
        pass

    return Refused


def _guard(cls: Any, attr: str, service: str, operation: str, refused_class: type) -> None:
    from console.aws.limits import page_limit

    original = getattr(cls, attr)
    limit = page_limit(service, operation)
    read = _reader(service, operation, limit.parameter)

    def handler(self):  # type: ignore[no-untyped-def]
        refused = refusal(limit, read(self))
        if refused is not None:
            raise refused_class(*refused)
        return original(self)

    handler.__name__ = attr
    handler.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(cls, attr, handler)


def install() -> None:
    """Guard each handler (after the other extensions replaced theirs)."""
    global _installed
    if _installed:
        return
    import importlib

    refused_class = _refused_class()
    for (service, operation), (where, attr) in HANDLERS.items():
        module, name = where.split(":")
        _guard(getattr(importlib.import_module(module), name), attr, service, operation, refused_class)
    _installed = True
