"""The fewest API calls one complete read of the estate can take, per AWS operation.

The estate is counted with boto3 (not with opsdeck's code) and each operation's minimum
comes from its documented maximum page or batch size in console.aws.limits (PAGE_LIMITS,
`max_page`), never from opsdeck's own constants. `MINIMUMS` is data keyed by AWS
operation ("service:Operation", botocore's names, as the embedded AWS counts requests):
how to count what that operation reads, and how many calls that takes at least. The bench
looks up every operation the registry's sources call; one the table lacks is reported as
having no minimum, so a new service shows up as a gap to fill here, not as a silent zero.

Kinds of minimum:
- `Listing`: a list call reads every item, every page: max(1, ceil(items / page)) calls,
  once, or once per item of its parent listing (`per`).
- `FirstPage`: one call per parent item, for a list the dashboard reads only the newest
  page of (recent executions).
- `Batch`: a describe call takes up to the documented batch of a listing's items, per
  parent (DescribeServices names one cluster): ceil(items / batch) calls.
- `Each`: one call per item of a listing (no batch API).
- `Asked`: batches of what the console asked for; the estate does not say how many
  (GetMetricData: how many metric series each row shows is the panels' choice).
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from console.aws.limits import page_limit


@dataclass(frozen=True)
class Listing:
    result: str  # the response key holding the items
    per: str | None = None  # the listing whose items this one is listed for
    param: str = ""  # the request parameter naming that parent item
    key: str | None = None  # the parent item's field to pass (None: the item itself, an ARN)
    params: Mapping[str, Any] = field(default_factory=dict)  # fixed request parameters
    where: Callable[[Any], bool] | None = None  # only parent items for which this holds


@dataclass(frozen=True)
class FirstPage:
    per: str
    where: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class Batch:
    of: str


@dataclass(frozen=True)
class Each:
    of: str


@dataclass(frozen=True)
class Asked:
    """ceil(distinct items asked for / the documented batch)."""


def _not_express(machine: dict) -> bool:
    # botocore's model of ListExecutions: "This operation is not supported by EXPRESS state machines."
    return machine.get("type") != "EXPRESS"


MINIMUMS: dict[str, Listing | FirstPage | Batch | Each | Asked] = {
    "lambda:ListFunctions": Listing("Functions"),
    "lambda:ListAliases": Listing("Aliases", per="lambda:ListFunctions", param="FunctionName", key="FunctionName"),
    "ecs:ListClusters": Listing("clusterArns"),
    "ecs:DescribeClusters": Batch(of="ecs:ListClusters"),
    "ecs:ListServices": Listing("serviceArns", per="ecs:ListClusters", param="cluster"),
    "ecs:DescribeServices": Batch(of="ecs:ListServices"),
    "ecs:ListTasks": Listing("taskArns", per="ecs:ListClusters", param="cluster", params={"desiredStatus": "RUNNING"}),
    "ecs:DescribeTasks": Batch(of="ecs:ListTasks"),
    "stepfunctions:ListStateMachines": Listing("stateMachines"),
    "stepfunctions:ListExecutions": FirstPage(per="stepfunctions:ListStateMachines", where=_not_express),
    "events:ListEventBuses": Listing("EventBuses"),
    "events:ListRules": Listing("Rules", per="events:ListEventBuses", param="EventBusName", key="Name"),
    "scheduler:ListSchedules": Listing("Schedules"),
    "scheduler:GetSchedule": Each(of="scheduler:ListSchedules"),
    "cloudwatch:GetMetricData": Asked(),
}


def split(operation: str) -> tuple[str, str]:
    service, name = operation.split(":", 1)
    return service, name


def documented_size(operation: str) -> int:
    """The documented maximum page or batch size (console.aws.limits)."""
    return page_limit(*split(operation)).maximum


# Counting with boto3 ----------------------------------------------------------------------
def _list_all(client: Any, operation: str, result: str, params: Mapping[str, Any]) -> list[Any]:
    """Every item of a list call: botocore's paginator, or NextToken by hand where botocore
    has none (ListEventBuses)."""
    from botocore import xform_name

    service, name = split(operation)
    method = xform_name(name)
    try:
        size = documented_size(operation)
    except KeyError:
        size = None
    if client.can_paginate(method):
        config = {"PageSize": size} if size else {}
        pages = client.get_paginator(method).paginate(**params, PaginationConfig=config)
        return [item for page in pages for item in page.get(result, [])]
    request = dict(params)
    if size:
        request[page_limit(service, name).parameter] = size
    items: list[Any] = []
    while True:
        page = getattr(client, method)(**request)
        items.extend(page.get(result, []))
        if not page.get("NextToken"):
            return items
        request["NextToken"] = page["NextToken"]


@dataclass
class Estate:
    """Every listing's items, grouped by parent item: {operation: [[items of one parent], ...]}."""

    groups: dict[str, list[list[Any]]]

    def items(self, operation: str) -> int:
        return sum(len(group) for group in self.groups.get(operation, []))

    def sizes(self) -> dict[str, int]:
        """Items each listing reads in all (the estate's size, by operation)."""
        return {op: self.items(op) for op in self.groups}

    def minimum(self, operation: str, asked: int | None = None, only: int | None = None) -> int | None:
        """The fewest calls of `operation` one complete read takes; None if not known.
        `asked`: for an Asked operation, the distinct items the console asked for.
        `only`: the read of one parent item's children (its index in the parent listing,
        e.g. one cluster's services); a listing with no parent then takes none."""
        rule = MINIMUMS.get(operation)
        if rule is None:
            return None
        if isinstance(rule, Asked):
            return None if asked is None else math.ceil(asked / documented_size(operation))

        def groups(listing: str) -> list[list[Any]]:
            every = self.groups[listing]
            if only is None:
                return every
            return [every[only]] if MINIMUMS[listing].per is not None else []  # type: ignore[union-attr]

        if isinstance(rule, Listing):
            size = documented_size(operation)
            return sum(max(1, math.ceil(len(group) / size)) for group in groups(operation))
        if isinstance(rule, FirstPage):
            return sum(1 for group in groups(rule.per) for item in group if rule.where is None or rule.where(item))
        if isinstance(rule, Batch):
            size = documented_size(operation)
            return sum(math.ceil(len(group) / size) for group in groups(rule.of))
        if isinstance(rule, Each):
            return sum(len(group) for group in groups(rule.of))
        raise TypeError(rule)


def count_estate(endpoint: str, region: str = "us-east-1", workers: int = 16) -> Estate:
    """List everything MINIMUMS needs, with boto3, parents before children."""
    import boto3

    clients: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in clients:
            clients[service] = boto3.client(service, endpoint_url=endpoint, region_name=region)
        return clients[service]

    listings = {op: rule for op, rule in MINIMUMS.items() if isinstance(rule, Listing)}
    groups: dict[str, list[list[Any]]] = {}

    def resolve(operation: str) -> None:
        if operation in groups:
            return
        rule = listings[operation]
        service, _ = split(operation)
        if rule.per is None:
            groups[operation] = [_list_all(client(service), operation, rule.result, rule.params)]
            return
        resolve(rule.per)
        parents = [item for group in groups[rule.per] for item in group if rule.where is None or rule.where(item)]
        values = [item if rule.key is None else item[rule.key] for item in parents]
        api = client(service)
        with ThreadPoolExecutor(workers) as pool:
            groups[operation] = list(pool.map(
                lambda value: _list_all(api, operation, rule.result, {**rule.params, rule.param: value}), values))

    for operation in listings:
        resolve(operation)
    return Estate(groups)
