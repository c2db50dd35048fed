"""console.aws.limits.PAGE_LIMITS against the documented figures, restated here.

The contract tests (tests/contract/) catch a wrong figure the embedded AWS reads from the
table; this catches the rest (figures moto enforces by itself, defaults nobody reads yet).
Sources: each operation's AWS API reference page (console.aws.limits names them) and the
botocore models; tests/contract/ quotes them.
"""

from __future__ import annotations

from console.aws.limits import PAGE_LIMITS, max_page

# (service, operation): (parameter, maximum, over, default, minimum, largest accepted, batch)
DOCUMENTED = {
    ("lambda", "ListFunctions"): ("MaxItems", 50, "capped", 50, 1, 10_000, False),
    ("lambda", "ListVersionsByFunction"): ("MaxItems", 50, "capped", 50, 1, 10_000, False),
    ("lambda", "ListEventSourceMappings"): ("MaxItems", 100, "capped", 100, 1, 10_000, False),
    ("lambda", "ListAliases"): ("MaxItems", 50, "capped", 50, 1, 10_000, False),  # 50 assumed
    ("lambda", "ListProvisionedConcurrencyConfigs"): ("MaxItems", 50, "error", None, 1, 50, False),
    ("ecs", "ListClusters"): ("maxResults", 100, "error", 100, 1, 100, False),
    ("ecs", "ListServices"): ("maxResults", 100, "error", 10, 1, 100, False),
    ("ecs", "ListTasks"): ("maxResults", 100, "error", 100, 1, 100, False),
    ("ecs", "ListServiceDeployments"): ("maxResults", 100, "error", 20, 1, 100, False),
    ("ecs", "DescribeClusters"): ("clusters", 100, "error", None, 1, 100, True),
    ("ecs", "DescribeServices"): ("services", 10, "error", None, 1, 10, True),
    ("ecs", "DescribeTasks"): ("tasks", 100, "error", None, 1, 100, True),
    ("ecs", "DescribeServiceDeployments"): ("serviceDeploymentArns", 20, "error", None, 1, 20, True),
    ("stepfunctions", "ListStateMachines"): ("maxResults", 1000, "error", 100, 0, 1000, False),
    ("stepfunctions", "ListExecutions"): ("maxResults", 1000, "error", 100, 0, 1000, False),
    ("stepfunctions", "GetExecutionHistory"): ("maxResults", 1000, "error", 100, 0, 1000, False),
    ("stepfunctions", "ListMapRuns"): ("maxResults", 1000, "error", 100, 0, 1000, False),
    ("cloudwatch", "GetMetricData"): ("MetricDataQueries", 500, "error", None, 1, 500, True),
    ("cloudwatch", "ListMetrics"): ("", 500, "capped", 500, 1, 500, False),
    ("logs", "DescribeLogGroups"): ("limit", 50, "error", 50, 1, 50, False),
    ("logs", "DescribeLogStreams"): ("limit", 50, "error", 50, 1, 50, False),
    ("logs", "FilterLogEvents"): ("limit", 10_000, "error", 10_000, 1, 10_000, False),
    ("events", "ListEventBuses"): ("Limit", 100, "error", 100, 1, 100, False),  # default assumed
    ("events", "ListRules"): ("Limit", 100, "error", 100, 1, 100, False),
    ("events", "ListRuleNamesByTarget"): ("Limit", 100, "error", 100, 1, 100, False),
    ("events", "ListTargetsByRule"): ("Limit", 100, "error", 100, 1, 100, False),
    ("scheduler", "ListSchedules"): ("MaxResults", 100, "error", 100, 1, 100, False),
    ("scheduler", "ListScheduleGroups"): ("MaxResults", 100, "error", 100, 1, 100, False),
}


def test_every_page_limit_is_the_documented_one():
    table = {(p.service, p.operation): (p.parameter, p.maximum, p.over, p.default, p.minimum, p.largest_accepted,
                                        p.batch) for p in PAGE_LIMITS}
    assert table == DOCUMENTED
    assert len(table) == len(PAGE_LIMITS)  # one entry per operation


def test_every_limit_names_its_source_and_says_what_it_assumes():
    for limit in PAGE_LIMITS:
        assert limit.source.startswith("https://docs.aws.amazon.com/") and limit.operation in limit.source
        if limit.default is not None and limit.over == "error" and limit.service in ("events", "scheduler"):
            assert "assumed" in limit.assumed  # AWS documents no default page size for these


def test_max_page_is_what_the_console_asks_for():
    assert max_page("ecs", "DescribeServices") == 10
    assert max_page("lambda", "ListFunctions") == 50
