"""When a followed rollout has ended, and how, from DescribeServices' answers as ECS gives
them (API_Deployment: status PRIMARY/ACTIVE, rolloutState IN_PROGRESS/COMPLETED/FAILED);
no server needed."""

from __future__ import annotations

from console.services.ecs.rollout import rollout_verdict

TD = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:"


def deployment(id: str, status: str, revision: int, state: str | None, reason: str = "", **counts) -> dict:
    found = {"id": id, "status": status, "taskDefinition": f"{TD}{revision}", "desiredCount": 2,
             "runningCount": counts.get("running", 0), "pendingCount": counts.get("pending", 0)}
    if state is not None:
        found["rolloutState"] = state
        found["rolloutStateReason"] = reason
    return found


def service(revision: int, *deployments: dict) -> dict:
    return {"taskDefinition": f"{TD}{revision}", "deployments": list(deployments)}


def test_in_progress_is_no_verdict_and_completed_ends_it():
    assert rollout_verdict(service(3, deployment("new", "PRIMARY", 3, "IN_PROGRESS"),
                                   deployment("old", "ACTIVE", 2, "COMPLETED")), "new") is None
    done = service(3, deployment("new", "PRIMARY", 3, "COMPLETED", "ECS deployment new completed."))
    assert rollout_verdict(done, "new") == ("completed", "ECS deployment new completed.")


def test_failed_without_rollback_is_failed_and_with_a_new_primary_is_rolled_back():
    reason = "ECS deployment circuit breaker: tasks failed to start."
    failed = service(3, deployment("new", "PRIMARY", 3, "FAILED", reason))
    assert rollout_verdict(failed, "new") == ("failed", f"deployment new FAILED: {reason}")
    back = service(2, deployment("back", "PRIMARY", 2, "IN_PROGRESS"), deployment("new", "ACTIVE", 3, "FAILED", reason))
    assert rollout_verdict(back, "new") == (
        "rolled-back", f"deployment new FAILED ({reason}); rolling back to web:2 in deployment back")


def test_a_deployment_gone_from_the_list_says_why_from_what_was_seen_or_the_events():
    now = service(2, deployment("back", "PRIMARY", 2, "IN_PROGRESS"))
    seen = deployment("new", "PRIMARY", 3, "FAILED", "ECS deployment circuit breaker: tasks failed to start.")
    assert rollout_verdict(now, "new", seen) == (
        "rolled-back", "deployment new failed (ECS deployment circuit breaker: tasks failed to start.) and is no "
                       "longer one of the service's deployments; the service is on web:2 in deployment back")
    events = ["(service web) (deployment new) deployment failed: tasks failed to start."]
    assert rollout_verdict(now, "new", None, events)[1].startswith(
        "deployment new failed (deployment failed: tasks failed to start.) and is no longer")


def test_replaced_by_another_deployment_is_rolled_back():
    other = service(4, deployment("later", "PRIMARY", 4, "IN_PROGRESS"), deployment("new", "ACTIVE", 3, "IN_PROGRESS"))
    assert rollout_verdict(other, "new")[0] == "rolled-back"


def test_an_endpoint_without_rollout_state_completes_at_every_task_running_alone():
    assert rollout_verdict(service(3, deployment("new", "PRIMARY", 3, None, running=2),
                                   deployment("old", "ACTIVE", 2, None, running=2)), "new") is None
    assert rollout_verdict(service(3, deployment("new", "PRIMARY", 3, None, running=2)), "new")[0] == "completed"


def test_the_rollout_modal_shows_hostile_event_text_inert():
    """An event quoting a task's hostile text (ESC, OSC 52, markup) is drawn as plain characters."""
    from types import SimpleNamespace

    from console.actions.base import Plan
    from console.services.ecs.rollout import DeploymentCounts, RolloutEvent
    from screens.ecs.rollout import RolloutConfirmScreen

    action = SimpleNamespace(listener=None)
    modal = RolloutConfirmScreen(SimpleNamespace(), action, Plan("ecs.deploy", "arn", "web", ()))
    assert action.listener == modal.rollout_event
    hostile = "(service web) \x1b]52;c;aGk=\x07 [bold red]boom[/] \x1b[2J"
    modal.events.append(RolloutEvent("event", hostile))
    modal.deployments = (DeploymentCounts("ecs-svc/1", "PRIMARY", "web:[/]3", 2, 1, 1, 0, "IN_PROGRESS", None),)
    shown = modal.rollout_text()
    assert "\x1b" not in shown.plain and "\x07" not in shown.plain
    assert "[bold red]boom[/]" in shown.plain and "web:[/]3" in shown.plain
    assert not any("red" in str(span.style) for span in shown.spans)
