"""Page sizes on moto's list operations, and a server-wide page-size cap.

moto returns every Lambda function, alias, version, event source mapping and
every ECS cluster, service and task in one page, so a console that forgets to
paginate looks fine on moto and breaks on AWS. Those operations get AWS's page
sizes and tokens here (only the page is serialised), read from
console.aws.limits: the default when the client asks for none, and Lambda's
silent cap ("returns a maximum of 50 items in each response, even if you set
the number higher"). The other listed operations moto already paginates. What
AWS does with a page size outside its range is console.demo.extensions.page_limits.

On top, ``set_default_page_size(n)`` (control API ``POST /_opsdeck/page-size``)
caps every one of them at n items per page, even when the client asks for more,
by rewriting the request's limit before moto reads it; tests use it to prove
pagination with a handful of resources. A limit AWS would refuse is left as
sent, so the refusal still happens.
"""

from __future__ import annotations

import base64
import json
import threading
from typing import Any, Callable, Sequence
from urllib.parse import parse_qsl, urlencode

# (service, operation) -> (where the limit travels, its name, AWS's default page size or None)
LIMITS: dict[tuple[str, str], tuple[str, str]] = {
    ("lambda", "ListFunctions"): ("query", "MaxItems"),
    ("lambda", "ListAliases"): ("query", "MaxItems"),
    ("lambda", "ListVersionsByFunction"): ("query", "MaxItems"),
    ("lambda", "ListEventSourceMappings"): ("query", "MaxItems"),
    ("ecs", "ListClusters"): ("json", "maxResults"),
    ("ecs", "ListServices"): ("json", "maxResults"),
    ("ecs", "ListTasks"): ("json", "maxResults"),
    ("stepfunctions", "ListStateMachines"): ("json", "maxResults"),
    ("stepfunctions", "ListExecutions"): ("json", "maxResults"),
    ("events", "ListEventBuses"): ("json", "Limit"),
    ("events", "ListRules"): ("json", "Limit"),
    ("events", "ListTargetsByRule"): ("json", "Limit"),
    ("scheduler", "ListSchedules"): ("query", "MaxResults"),
    ("logs", "DescribeLogGroups"): ("json", "limit"),
}



def _page_sizes(service: str, operations: tuple[str, ...]) -> dict[str, tuple[int, int | None]]:
    """operation -> (AWS's default page size, the most it returns whatever is asked: None when
    AWS refuses more instead), from console.aws.limits."""
    from console.aws.limits import page_limit

    sizes = {}
    for operation in operations:
        limit = page_limit(service, operation)
        assert limit.default is not None, operation
        sizes[operation] = (limit.default, limit.maximum if limit.over == "capped" else None)
    return sizes


# AWS's own default and capped page sizes for the operations patched here.
PAGE_SIZES = {
    **_page_sizes("lambda", ("ListFunctions", "ListAliases", "ListVersionsByFunction", "ListEventSourceMappings")),
    **_page_sizes("ecs", ("ListClusters", "ListServices", "ListTasks")),
}


def _accepted() -> dict[tuple[str, str], tuple[int, int]]:
    """(service, operation) -> the range of limits AWS accepts, for the operations the cap rewrites."""
    from console.aws.limits import page_limit

    ranges = {}
    for service, operation in LIMITS:
        limit = page_limit(service, operation)
        ranges[(service, operation)] = (limit.minimum, limit.largest_accepted)
    return ranges


ACCEPTED = _accepted()

_lock = threading.Lock()
_cap: int | None = None
_installed = False


def set_default_page_size(size: int | None) -> None:
    if size is not None and size < 1:
        raise ValueError("page size must be >= 1")
    global _cap
    with _lock:
        _cap = size


def default_page_size() -> int | None:
    return _cap


def _clamped(service: str, operation: str, requested: Any, cap: int) -> int | None:
    """The limit to send moto under the cap; None: leave the request as it is (a limit AWS
    refuses, or one that is not a number, so moto and page_limits answer what AWS answers)."""
    if requested in (None, ""):
        return cap
    try:
        value = int(requested)
    except (TypeError, ValueError):
        return None
    low, high = ACCEPTED[(service, operation)]
    if not low <= value <= high:
        return None
    return min(value, cap) if value else cap  # 0 (Step Functions): AWS's default, capped


def rewrite_request(service: str, operation: str, environ: dict, body: bytes) -> bytes:
    """Clamp the request's limit to the cap (called by the server middleware before moto)."""
    cap = _cap
    where = LIMITS.get((service, operation))
    if cap is None or where is None:
        return body
    kind, name = where
    if kind == "query":
        query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        limit = _clamped(service, operation, dict(query).get(name), cap)
        if limit is not None:
            environ["QUERY_STRING"] = urlencode([(k, v) for k, v in query if k != name] + [(name, str(limit))])
        return body
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return body
    if not isinstance(data, dict):
        return body
    limit = _clamped(service, operation, data.get(name), cap)
    if limit is None:
        return body
    data[name] = limit
    new = json.dumps(data).encode()
    environ["CONTENT_LENGTH"] = str(len(new))
    return new


def _encode(offset: int, key: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset, "k": key}).encode()).decode()


def paginate(items: Sequence[Any], key: Callable[[Any], str], limit: int | None, token: str | None) -> tuple[list, str | None]:
    """One page of ``items`` and the token of the next (None on the last page).

    The token carries the next item's key and offset, so a page boundary survives
    items being added or removed before it.
    """
    start = 0
    if token:
        try:
            marker = json.loads(base64.urlsafe_b64decode(token.encode()))
            start = int(marker["o"])
            if not (start < len(items) and key(items[start]) == marker["k"]):
                keys = [key(i) for i in items]
                start = keys.index(marker["k"]) if marker["k"] in keys else min(start, len(items))
        except (ValueError, KeyError, TypeError):
            from moto.core.exceptions import JsonRESTError

            raise JsonRESTError("InvalidParameterException", "Invalid NextToken") from None
    if limit is None or start + limit >= len(items):
        return list(items[start:]), None
    end = start + limit
    return list(items[start:end]), _encode(end, key(items[end]))


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _lambda_list(attr: str, result_key: str, fetch: Callable[[Any], Sequence[Any]],
                 render: Callable[[Any], dict], key: Callable[[Any], str], operation: str):
    def handler(self):  # type: ignore[no-untyped-def]
        items = list(fetch(self))
        default, most = PAGE_SIZES[operation]
        limit = min(_int(self.querystring.get("MaxItems", [None])[0]) or default, most or default)
        page, token = paginate(items, key, limit, self.querystring.get("Marker", [None])[0])
        result: dict[str, Any] = {result_key: [render(i) for i in page]}
        if token:
            result["NextMarker"] = token
        body = json.dumps(result)
        return (200, {}, body) if attr == "list_aliases" else body

    handler.__name__ = attr
    return handler


def _ecs_list(original: Callable, result_key: str, operation: str):
    def handler(self):  # type: ignore[no-untyped-def]
        result = original(self)
        arns = result.result[result_key]
        limit = _int(self._get_param("maxResults")) or PAGE_SIZES[operation][0]
        page, token = paginate(arns, str, limit, self._get_param("nextToken"))
        result.result[result_key] = page
        if token:
            result.result["nextToken"] = token
        return result

    handler.__name__ = original.__name__
    return handler


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.awslambda.responses import LambdaResponse
    from moto.ecs.responses import EC2ContainerServiceResponse as Ecs

    def function_name(self) -> str:  # type: ignore[no-untyped-def]
        from urllib.parse import unquote

        return unquote(self.path.rstrip("/").split("/")[-2])

    LambdaResponse.list_functions = _lambda_list(
        "list_functions", "Functions",
        lambda self: self.backend.list_functions(self.querystring.get("FunctionVersion", [None])[0]),
        lambda fn: fn.get_configuration(), lambda fn: f"{fn.function_arn}:{fn.version}", "ListFunctions")
    LambdaResponse.list_versions_by_function = _lambda_list(
        "list_versions_by_function", "Versions",
        lambda self: self.backend.list_versions_by_function(function_name(self)),
        lambda fn: fn.get_configuration(), lambda fn: str(fn.version), "ListVersionsByFunction")
    LambdaResponse.list_aliases = _lambda_list(
        "list_aliases", "Aliases",
        lambda self: self.backend.list_aliases(function_name(self)),
        lambda alias: alias.to_json(), lambda alias: alias.name, "ListAliases")
    LambdaResponse.list_event_source_mappings = _lambda_list(
        "list_event_source_mappings", "EventSourceMappings",
        lambda self: self.backend.list_event_source_mappings(
            self.querystring.get("EventSourceArn", [None])[0], self.querystring.get("FunctionName", [None])[0]),
        lambda esm: esm.get_configuration(), lambda esm: esm.uuid, "ListEventSourceMappings")
    Ecs.list_clusters = _ecs_list(Ecs.list_clusters, "clusterArns", "ListClusters")
    Ecs.list_services = _ecs_list(Ecs.list_services, "serviceArns", "ListServices")
    Ecs.list_tasks = _ecs_list(Ecs.list_tasks, "taskArns", "ListTasks")
    _installed = True
