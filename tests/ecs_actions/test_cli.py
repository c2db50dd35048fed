"""`opsdeck ecs deploy | rollback | force-deployment | scale | stop-task` in-process on the
embedded server: output, exit codes, and the resulting AWS state read back through boto3.
A followed rollout sleeps on a clock that moves the shared clock (the embedded AWS's time)
by what it sleeps: rollouts progress without waiting."""

from __future__ import annotations

from .conftest import CLUSTER, FAMILY, SERVICE, audit_records


def test_deploy_wait_follows_the_rollout_until_completed(opsdeck, estate, tmp_path):
    result = opsdeck("ecs", "deploy", CLUSTER, SERVICE, "--image", "registry.example/web:2.0", "--wait", "--yes")
    assert result.exit_code == 0, result.output
    assert "~ image: registry.example/web:1.0 → registry.example/web:2.0" in result.output
    assert "Rollout COMPLETED: ECS deployment ecs-svc/" in result.output
    assert f"(service {SERVICE}) has reached a steady state." in result.output
    assert "[deployment] PRIMARY ecs-svc/" in result.output and "ACTIVE ecs-svc/" in result.output
    service = estate.service()
    assert service["taskDefinition"].endswith(f"task-definition/{FAMILY}:3")
    [primary] = service["deployments"]
    assert (primary["rolloutState"], primary["runningCount"]) == ("COMPLETED", 2)
    assert {t["containers"][0]["image"] for t in estate.running_tasks()} == {"registry.example/web:2.0"}
    finished = [r for r in audit_records(tmp_path) if r["kind"] == "finished"]
    assert [(r["action"], r["result"]) for r in finished] == [("ecs.deploy", "ok")]


def test_a_broken_image_fails_the_circuit_breaker_which_rolls_back(opsdeck, estate):
    result = opsdeck("ecs", "deploy", CLUSTER, SERVICE, "--image", "app=registry.example/web:2.0-broken",
                     "--wait", "--yes")
    assert result.exit_code == 1, result.output
    assert "failed container health checks." in result.output  # the service's events, as they came
    assert "Rollout ROLLED BACK: deployment ecs-svc/" in result.output
    assert "failed (deployment failed: tasks failed to start.)" in result.output
    assert "the service is on web:2 in deployment ecs-svc/" in result.output
    assert "service web is on web:2 (expected web:2) after the rollback" in result.output
    service = estate.service()
    assert service["taskDefinition"].endswith(f"task-definition/{FAMILY}:2")
    assert f"{FAMILY}:3" in estate.revisions()  # the revision stays registered


def test_deploy_without_wait_updates_and_returns(opsdeck, estate):
    result = opsdeck("ecs", "deploy", CLUSTER, SERVICE, "--image", "registry.example/web:2.0", "--yes")
    assert result.exit_code == 0, result.output
    primary = estate.service()["deployments"][0]
    assert f"Rollout started: deployment {primary['id']} (--wait follows it to the end)." in result.output
    assert estate.on() == f"{FAMILY}:3"
    assert estate.service()["deployments"][0]["rolloutState"] == "IN_PROGRESS"


def test_rollback_wait_goes_back_to_the_last_completed_deployment(opsdeck, estate):
    assert opsdeck("ecs", "deploy", CLUSTER, SERVICE, "--image", "r/web:3", "--wait", "--yes").exit_code == 0
    result = opsdeck("ecs", "rollback", CLUSTER, SERVICE, "--wait", "--yes")
    assert result.exit_code == 0, result.output
    assert f"task definition {FAMILY}:3 -> {FAMILY}:2 (the last SUCCESSFUL service deployment" in result.output
    assert "Rollout COMPLETED" in result.output
    assert estate.on() == f"{FAMILY}:2"
    assert [d["rolloutState"] for d in estate.service()["deployments"]] == ["COMPLETED"]

    chosen = opsdeck("ecs", "rollback", CLUSTER, SERVICE, "--to", "1", "--yes")
    assert chosen.exit_code == 0, chosen.output
    assert estate.on() == f"{FAMILY}:1"


def test_scale_and_force_deployment(opsdeck, estate):
    result = opsdeck("ecs", "scale", CLUSTER, SERVICE, "3", "--yes")
    assert result.exit_code == 0, result.output
    assert f"Set the desired count of service {SERVICE}: 2 -> 3" in result.output
    assert estate.service()["desiredCount"] == 3
    before = estate.service()["deployments"][0]["id"]
    forced = opsdeck("ecs", "force-deployment", CLUSTER, SERVICE, "--wait", "--yes")
    assert forced.exit_code == 0, forced.output
    [primary] = estate.service()["deployments"]
    assert primary["id"] != before and primary["rolloutState"] == "COMPLETED" and primary["runningCount"] == 3


def test_stop_task_records_the_reason_with_user_initiated(opsdeck, estate):
    task = estate.running_tasks()[0]["taskArn"]
    result = opsdeck("ecs", "stop-task", CLUSTER, task.rsplit("/", 1)[-1], "--reason", "bad host", "--yes")
    assert result.exit_code == 0, result.output
    [stopped] = estate.ecs.describe_tasks(cluster=CLUSTER, tasks=[task])["tasks"]
    assert (stopped["desiredStatus"], stopped["stoppedReason"], stopped["stopCode"]) == \
        ("STOPPED", "bad host", "UserInitiated")
    missing = opsdeck("ecs", "stop-task", CLUSTER, task, "--yes")
    assert missing.exit_code == 2 and "Missing option '--reason'" in missing.output


def test_what_names_nothing_exits_2_and_changes_nothing(opsdeck, estate):
    cases = [
        (("deploy", "nope", SERVICE, "--image", "r/x:1"), "CLUSTER: no cluster named 'nope' in us-east-1"),
        (("deploy", CLUSTER, "api", "--image", "r/x:1"), "SERVICE: no active service named 'api' in cluster 'shop'"),
        (("deploy", CLUSTER, SERVICE, "--image", "db=r/x:1"), "--image: no container named 'db' in web:2"),
        (("deploy", CLUSTER, SERVICE, "--image", "r/x 1"), "--image: expected [CONTAINER=]URI"),
        (("rollback", CLUSTER, SERVICE, "--to", "web:7"), "--to: no task definition 'web:7' in us-east-1"),
        (("scale", CLUSTER, SERVICE, "2.5"), "N: expected a whole number from 0 to 5,000, got '2.5'"),
        (("scale", CLUSTER, "api", "3"), "SERVICE: no active service named 'api'"),
        (("stop-task", CLUSTER, "0123456789abcdef", "--reason", "x"), "TASK: no task '0123456789abcdef'"),
    ]
    for args, said in cases:
        result = opsdeck("ecs", *args, "--yes")
        assert result.exit_code == 2, (args, result.output)
        assert said in result.output, (args, result.output)
        assert "Traceback" not in result.output
    service = estate.service()
    assert service["taskDefinition"].endswith(f"{FAMILY}:2") and service["desiredCount"] == 2
    assert estate.revisions() == [f"{FAMILY}:1", f"{FAMILY}:2"]


def test_read_only_refuses(opsdeck, estate):
    result = opsdeck("ecs", "deploy", CLUSTER, SERVICE, "--image", "r/x:1", "--yes", global_args=("--read-only",))
    assert result.exit_code == 1 and "read-only mode" in result.output
    assert estate.revisions() == [f"{FAMILY}:1", f"{FAMILY}:2"]


def test_read_only_refuses_to_stop_a_task(opsdeck, estate):
    """EcsStopTask has no example for the read-only proof (a task's ARN is known only once it
    runs): its refusal is proved here, on a running task."""
    task = estate.running_tasks()[0]["taskArn"]
    result = opsdeck("ecs", "stop-task", CLUSTER, task, "--reason", "x", "--yes", global_args=("--read-only",))
    assert result.exit_code == 1 and "read-only mode" in result.output
    [still] = estate.ecs.describe_tasks(cluster=CLUSTER, tasks=[task])["tasks"]
    assert still["desiredStatus"] == "RUNNING"
