"""The revision diff (console.services.ecs.taskdef.diff_task_definitions): what changes between
two task definitions, per container, with environment values never shown.

The first tests diff what DescribeTaskDefinition returns for revisions registered on the
embedded server; the rest cover each kind of change on `taskDefinition`-shaped dicts."""

from __future__ import annotations

from console.services.ecs.taskdef import TaskDefinition, diff_task_definitions, render_diff, render_task_definition
from tests.ecs_views.conftest import container


def texts(diff) -> dict[str, list[str]]:
    out = {"task": [c.text() for c in diff.task]}
    out.update({f"{c.name} ({c.status})": [x.text() for x in c.changes] for c in diff.containers})
    return out


def test_diff_of_registered_revisions_reads_what_ecs_stored(estate):
    old = estate.register([container(1)])
    new = estate.register([container(2, portMappings=[{"containerPort": 8080, "protocol": "tcp"},
                                                      {"containerPort": 9090, "protocol": "tcp"}],
                                         secrets=[], cpu=512),
                           container(2, name="sidecar", image="envoy:1.30", logConfiguration={"logDriver": "splunk"})],
                          cpu="1024", memory="2048")
    read_old = estate.ecs.describe_task_definition(taskDefinition="web:1")["taskDefinition"]
    read_new = estate.ecs.describe_task_definition(taskDefinition=new["taskDefinitionArn"])["taskDefinition"]
    assert read_old == old  # what was registered is what the diff compares

    diff = diff_task_definitions(read_old, read_new)
    assert (diff.old, diff.new) == ("web:1", "web:2")
    assert texts(diff) == {
        "task": ["~ cpu: 512 → 1024", "~ memory: 1024 → 2048"],
        "app (changed)": [
            "~ image: registry.example/web:1.1.0 → registry.example/web:1.2.0",
            "~ cpu: 256 → 512",
            "+ port 9090/tcp",
            "~ environment RELEASE (value changed, hidden)",
            "- secret DB_PASSWORD",
        ],
        "sidecar (added)": ["+ image: envoy:1.30"],
    }
    assert "1.1.0\"" not in "\n".join(render_diff(diff))  # RELEASE's values appear nowhere


def test_same_revision_has_no_differences(estate):
    task_def = estate.register([container(1)])
    diff = diff_task_definitions(task_def, task_def)
    assert diff.empty
    assert render_diff(diff) == ["web:1 → web:1", "  no differences"]


def test_environment_names_added_and_removed_values_never_shown():
    old = {"family": "f", "revision": 1, "containerDefinitions": [container(1)]}
    new = {"family": "f", "revision": 2, "containerDefinitions": [container(1, environment=[
        {"name": "APP_ENV", "value": "staging"}, {"name": "API_TOKEN", "value": "s3cr3t-token"}])]}
    diff = diff_task_definitions(old, new)
    assert texts(diff)["app (changed)"] == [
        "+ environment API_TOKEN",
        "~ environment APP_ENV (value changed, hidden)",
        "- environment RELEASE",
    ]
    rendered = "\n".join(render_diff(diff))
    assert "s3cr3t-token" not in rendered and "staging" not in rendered and "prod" not in rendered
    assert "s3cr3t-token" not in str(diff.to_json())
    assert diff.to_json()["containers"][0]["changes"][1] == {
        "kind": "changed", "field": "environment APP_ENV", "old": None, "new": None, "note": "value changed, hidden"}


def test_health_check_log_options_secrets_sources_and_other_fields():
    old = {"family": "f", "revision": 3, "taskRoleArn": "arn:aws:iam::1:role/a", "containerDefinitions": [container(1)]}
    changed = container(
        1,
        healthCheck={"command": ["CMD-SHELL", "wget -q localhost:8080/ready"], "interval": 10, "retries": 3},
        secrets=[{"name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:us-east-1:1:parameter/db"},
                 {"name": "API_KEY", "valueFrom": "arn:aws:ssm:us-east-1:1:parameter/key"}],
        logConfiguration={"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/other",
                                                              "awslogs-region": "us-east-1",
                                                              "awslogs-stream-prefix": "svc"}},
        command=["serve", "--workers", "4"],
    )
    new = {"family": "f", "revision": 5, "containerDefinitions": [changed],
           "ephemeralStorage": {"sizeInGiB": 30}}
    diff = diff_task_definitions(old, new)
    assert texts(diff) == {
        "task": ["- taskRoleArn: arn:aws:iam::1:role/a", '+ ephemeralStorage: {"sizeInGiB":30}'],
        "app (changed)": [
            "+ secret API_KEY",
            "~ secret DB_PASSWORD (source changed)",
            "~ health check: curl -fs localhost:8080/health || exit 1 · every 30 s, timeout 5 s, 3 retries, "
            "start period 10 s → wget -q localhost:8080/ready · every 10 s, timeout 5 s, 3 retries, start period 0 s",
            "~ log option awslogs-group: /ecs/web → /ecs/other",
            '+ command: ["serve","--workers","4"]',
        ],
    }
    assert diff.to_json()["containers"][0]["changes"][0] == {
        "kind": "added", "field": "secret API_KEY", "old": None, "new": None, "note": None}


def test_removed_container_and_changed_port_mapping():
    old = {"family": "f", "revision": 1, "containerDefinitions": [container(1), container(1, name="worker")]}
    new = {"family": "f", "revision": 2, "containerDefinitions": [
        container(1, portMappings=[{"containerPort": 8080, "hostPort": 80, "protocol": "tcp"}])]}
    assert texts(diff_task_definitions(old, new)) == {
        "task": [],
        "app (changed)": ["- port 8080/tcp", "+ port 80->8080/tcp"],
        "worker (removed)": ["- image: registry.example/web:1.1.0"],
    }


def test_the_view_lists_environment_names_and_values_only_when_revealed(estate):
    task_def = TaskDefinition.from_api(estate.register([container(4)]))
    hidden = "\n".join(render_task_definition(task_def))
    assert "environment   APP_ENV, RELEASE" in hidden and "prod" not in hidden
    assert "secrets       DB_PASSWORD" in hidden and "secretsmanager" not in hidden
    shown = "\n".join(render_task_definition(task_def, reveal=True))
    assert "environment   APP_ENV=prod, RELEASE=1.4.0" in shown
