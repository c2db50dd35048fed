"""`opsdeck ecs services [CLUSTER] [--output json]` on the embedded server: what it prints,
its exit codes, and that it changes nothing."""

from __future__ import annotations

import asyncio
import json

from console.demo import control

from .conftest import calls


def test_services_of_every_cluster_as_a_table_with_health_in_words(estate, opsdeck, shared_clock):
    estate.cluster("prod")
    estate.cluster("batch")
    estate.service("api", desired=2)
    estate.service("worker-service", desired=2)
    estate.service("nightly", cluster="batch", desired=1)
    for _ in range(2):
        estate.fail_health_check("worker-service")
        asyncio.run(shared_clock.advance(60))  # the replacement runs and passes its checks

    result = opsdeck("ecs", "services")

    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.split() == ["CLUSTER", "SERVICE", "RUN/WANT", "PEND", "TASK", "DEF", "LAUNCH", "ROLLOUT", "CPU",
                              "MEM", "HEALTH", "WHY"]
    assert [row.split()[:3] for row in rows] == [["batch", "nightly", "1/1"], ["prod", "api", "2/2"],
                                                 ["prod", "worker-service", "2/2"]]
    assert rows[2].split()[9:] == ["flapping", "tasks", "replaced", "2×", "in", "10", "min", "(failed", "container",
                                   "health", "checks)"]
    assert rows[1].split()[9:] == ["healthy"]


def test_services_of_one_cluster_as_json(estate, opsdeck):
    estate.cluster("prod")
    estate.cluster("batch")
    arn = estate.service("api", desired=2)
    estate.service("nightly", cluster="batch", desired=1)

    result = opsdeck("ecs", "services", "prod", "--output", "json")

    assert result.exit_code == 0, result.output
    [api] = json.loads(result.output)
    assert (api["cluster"], api["name"], api["arn"], api["desired"], api["running"]) == ("prod", "api", arn, 2, 2)
    assert (api["health"], api["steady"], api["reason"], api["replaced"], api["healthyTasks"]) == (
        "HEALTHY", True, "", 0, 2)
    assert api["taskDefinition"] == "app:1" and api["launch"] == "FARGATE"


def test_an_unknown_cluster_is_a_clear_error_and_nothing_is_changed(estate, opsdeck):
    estate.cluster("prod")
    result = opsdeck("ecs", "services", "nope")
    assert result.exit_code == 2
    assert "CLUSTER: no ECS cluster 'nope' in us-east-1" in result.output
    assert "Traceback" not in result.output
    sent = control.request_counts(estate.account.endpoint)["requests"]
    assert sorted(row["operation"] for row in sent if row["account"] == estate.account.id and row["service"] == "ecs"
                  ) == ["CreateCluster", "DescribeClusters"]  # the test's, and the command's one look
    assert calls(estate.account, "ListServices") == 0


def test_an_empty_cluster_and_an_empty_region_say_so(estate, opsdeck):
    assert opsdeck("ecs", "services").output == "No ECS services in this region.\n"
    estate.cluster("prod")
    assert opsdeck("ecs", "services", "prod").output == "No services in cluster prod.\n"
