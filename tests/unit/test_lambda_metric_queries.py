"""Every AWS/Lambda query the console builds names a dimension set Lambda publishes.

CloudWatch matches dimension sets exactly, and Lambda publishes only {}, {FunctionName},
{FunctionName, Resource} and {FunctionName, Resource, ExecutedVersion}
(tests/contract/test_lambda.py): a query in any other set returns nothing, forever.
"""

from __future__ import annotations

from console.services.lambda_ import detail, metrics
from console.services.lambda_.deploy import health

PUBLISHED = {frozenset(), frozenset({"FunctionName"}), frozenset({"FunctionName", "Resource"}),
             frozenset({"FunctionName", "Resource", "ExecutedVersion"})}


def test_every_lambda_query_uses_a_published_dimension_set():
    queries = [*metrics.metric_queries(["a", "b"], 15), *detail.chart_queries("a"),
               *health.version_queries("a", "live", ["1", "2"])]
    assert {q.namespace for q in queries} == {"AWS/Lambda"}
    assert {frozenset(n for n, _ in q.dimensions) for q in queries} <= PUBLISHED
    resources = {v for q in queries for n, v in q.dimensions if n == "Resource"}
    assert resources == {"a:live"}  # "<function>:<alias>"
