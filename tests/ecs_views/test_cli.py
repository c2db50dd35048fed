"""`opsdeck ecs diff` and `opsdeck ecs taskdef` on the embedded server: output, JSON, exit codes."""

from __future__ import annotations

import json

from tests.ecs_views.conftest import container


def test_diff_by_name_and_arn_prints_the_changes(estate, opsdeck):
    old = estate.register([container(1)])
    estate.register([container(2, memory=768)])
    result = opsdeck("ecs", "diff", old["taskDefinitionArn"], "web:2")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "web:1 → web:2",
        "container app (changed)",
        "  ~ image: registry.example/web:1.1.0 → registry.example/web:1.2.0",
        "  ~ memory: 512 → 768",
        "  ~ environment RELEASE (value changed, hidden)",
    ]


def test_diff_as_json(estate, opsdeck):
    estate.register([container(1)])
    estate.register([container(1, image="registry.example/web:1.1.1")])
    result = opsdeck("ecs", "diff", "web:1", "web:2", "--output", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "old": "web:1", "new": "web:2", "task": [],
        "containers": [{"name": "app", "status": "changed", "changes": [
            {"kind": "changed", "field": "image", "old": "registry.example/web:1.1.0",
             "new": "registry.example/web:1.1.1", "note": None}]}]}


def test_unknown_revision_exits_2_naming_it(estate, opsdeck):
    estate.register([container(1)])
    result = opsdeck("ecs", "diff", "web:1", "web:7")
    assert result.exit_code == 2
    assert result.output == "Error: no task definition web:7 in us-east-1\n"
    unknown_family = opsdeck("ecs", "diff", "nothing:1", "web:1")
    assert unknown_family.exit_code == 2 and "no task definition nothing:1" in unknown_family.output


def test_taskdef_hides_environment_values_unless_asked(estate, opsdeck):
    estate.register([container(3)])
    shown = opsdeck("ecs", "taskdef", "web")
    assert shown.exit_code == 0, shown.output
    assert "web:1  ACTIVE" in shown.output and "environment   APP_ENV, RELEASE" in shown.output
    assert "prod" not in shown.output
    revealed = json.loads(opsdeck("ecs", "taskdef", "web:1", "--reveal-env", "-o", "json").output)
    assert revealed["containers"][0]["environment"] == {"APP_ENV": "prod", "RELEASE": "1.3.0"}
    assert revealed["containers"][0]["secrets"] == ["DB_PASSWORD"]


def test_exec_prints_the_command_and_says_exec_is_off(estate, opsdeck):
    from tests.ecs_views.conftest import task_id

    task_def = estate.register([container(1), container(1, name="proxy")])
    [task] = estate.service("front", task_def["taskDefinitionArn"], desired=1)
    assert not estate.describe_task(task).get("enableExecuteCommand")
    endpoint = estate.account.endpoint
    for reference in (task_id(task), task, "front"):
        result = opsdeck("ecs", "exec", "views", reference, "--container", "proxy")
        assert result.exit_code == 1, result.output
        assert result.stdout == (f"aws ecs execute-command --cluster views --task {task_id(task)} --container proxy "
                                 f"--interactive --command /bin/sh --region us-east-1 --endpoint-url {endpoint}\n")
        assert result.stderr.startswith(f"ECS Exec is off for task {task_id(task)} (enableExecuteCommand false). "
                                        "Turn it on for service front and start new tasks: aws ecs update-service")
    unknown = opsdeck("ecs", "exec", "views", "front", "--container", "db")
    assert unknown.exit_code == 2 and "--container: no container db in the task (it has app, proxy)" in unknown.output
    missing = opsdeck("ecs", "exec", "views", "0" * 32)
    assert missing.exit_code == 2 and f"no task {'0' * 32} in cluster views" in missing.output


def test_hostile_names_are_shown_inert(estate, opsdeck):
    """An image and an environment name with an OSC 52 sequence and markup reach the terminal
    as visible glyphs, never as escape sequences."""
    estate.register([container(1)])
    estate.register([container(2, image="evil\x1b]52;c;aGk=\x07:[bold]1[/]",
                               environment=[{"name": "X\x1b[2J[red]", "value": "v"}])])
    for args in (("diff", "web:1", "web:2"), ("taskdef", "web:2")):
        result = opsdeck("ecs", *args)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output
        assert "[bold]1[/]" in result.output  # literal, not markup
