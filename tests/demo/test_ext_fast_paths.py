"""The server's shortcuts (extensions/overhead.py, GetMetricData without moto's serializer)
answer exactly what moto's own code path answers, and paging still returns everything once."""

from __future__ import annotations

import random
from datetime import timedelta

import boto3
import pytest

from console.demo.process import EmbeddedAws

from .test_ext_cloudwatch_index import T0, _data, _stat


def _client(server, service):
    return boto3.client(service, endpoint_url=server.endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


@pytest.fixture(scope="module")
def servers():
    fast = EmbeddedAws.start(size="none", simulate=False)
    mp = pytest.MonkeyPatch()
    mp.setenv("OPSDECK_DEMO_MOTO_SERIALIZER", "1")
    try:
        plain = EmbeddedAws.start(size="none", simulate=False)
    finally:
        mp.undo()
    try:
        yield fast, plain
    finally:
        fast.stop()
        plain.stop()


@pytest.mark.parametrize("scan_by", [None, "TimestampAscending", "TimestampDescending"])
def test_get_metric_data_shortcut_matches_moto_serializer(servers, scan_by):
    data = _data(random.Random(11))
    queries = [_stat(f"q{i}", fn, metric, stat, period) for i, (fn, metric, stat, period) in enumerate([
        ("a", "Errors", "Sum", 60), ("b", "Duration", "Average", 300), ("a", "Duration", "Maximum", 900),
        ("a", "Duration", "SampleCount", 120), ("missing", "Errors", "Sum", 60), ("a", "Duration", "p99", 60)])]
    queries.append({"Id": "e1", "Expression": "q0*2", "Label": "math"})
    queries.append(dict(_stat("hidden", "a", "Errors", "Sum"), ReturnData=False))
    answers = []
    for server in servers:
        cw = _client(server, "cloudwatch")
        if not getattr(server, "_put", False):
            cw.put_metric_data(Namespace="AWS/Lambda", MetricData=data)
            server._put = True
        kwargs = {"ScanBy": scan_by} if scan_by else {}
        response = cw.get_metric_data(MetricDataQueries=queries, StartTime=T0,
                                      EndTime=T0 + timedelta(minutes=50), **kwargs)
        response.pop("ResponseMetadata")
        answers.append(response)
    assert answers[0]["MetricDataResults"][0]["Values"]  # data came back at all
    assert answers[0] == answers[1]


def test_get_metric_data_validation_still_moto_s(servers):
    cw = _client(servers[0], "cloudwatch")
    with pytest.raises(cw.exceptions.ClientError, match="EndTime must be greater"):
        cw.get_metric_data(MetricDataQueries=[_stat("q", "a", "Errors", "Sum")],
                           StartTime=T0 + timedelta(minutes=5), EndTime=T0)


def test_serializer_memo_gives_moto_s_answers(servers):
    """Same ECS and Lambda resources on both servers; describes agree except ids and times."""
    def describe(server):
        ecs, lam = _client(server, "ecs"), _client(server, "lambda")
        iam = _client(server, "iam")
        ecs.create_cluster(clusterName="c1", tags=[{"key": "k", "value": "v"}])
        ecs.register_task_definition(family="web", containerDefinitions=[
            {"name": "app", "image": "nginx", "cpu": 256, "memory": 512}], cpu="256", memory="512")
        ecs.create_service(cluster="c1", serviceName="s1", taskDefinition="web", desiredCount=3)
        role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        lam.create_function(FunctionName="f1", Runtime="python3.12", Role=role, Handler="h.h",
                            Code={"ZipFile": b"x"}, Tags={"a": "b"})
        tasks = ecs.list_tasks(cluster="c1")["taskArns"]
        out = {
            "clusters": ecs.describe_clusters(clusters=["c1"], include=["TAGS"])["clusters"],
            "services": ecs.describe_services(cluster="c1", services=["s1"])["services"],
            "tasks": ecs.describe_tasks(cluster="c1", tasks=tasks)["tasks"],
            "functions": lam.list_functions()["Functions"],
        }
        return _shape(out)

    assert describe(servers[0]) == describe(servers[1])


def _shape(value):
    """Keys and value types, recursively: what the serializer decides (ids and times differ)."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return type(value).__name__


def test_function_paging_returns_every_function_once(servers):
    lam, iam = _client(servers[0], "lambda"), _client(servers[0], "iam")
    role = iam.create_role(RoleName="pager", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    names = {f"pg-{i:03d}" for i in range(240)}
    for name in sorted(names):
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="h.h", Code={"ZipFile": b"x"})
    for size in (1, 7, 50):
        seen = [f["FunctionName"] for page in lam.get_paginator("list_functions").paginate(
            PaginationConfig={"PageSize": size}) for f in page["Functions"]]
        mine = [n for n in seen if n.startswith("pg-")]
        assert len(seen) == len(set(seen))
        assert set(mine) == names


def test_the_account_of_an_access_key_follows_its_creation_and_deletion(fresh_account):
    """The remembered key -> account answers (extensions/overhead.py) stay moto's own: a key
    signs for its account while it exists, and once deleted it is moto's unknown key again
    (moto serves it the default account; real AWS would refuse it)."""
    logs = fresh_account.client("logs")
    logs.create_log_group(logGroupName="/only/in/the/fresh/account")

    def groups() -> set[str]:
        return {g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePrefix="/only/")["logGroups"]}

    assert groups() == {"/only/in/the/fresh/account"}
    assert groups() == {"/only/in/the/fresh/account"}  # asked again: the remembered answer
    iam = boto3.client("iam", endpoint_url=fresh_account.endpoint, region_name="us-east-1")
    iam.meta.events.register("before-sign.iam.*", lambda request, **_: request.headers.__setitem__(
        "x-moto-account-id", fresh_account.id))
    iam.delete_access_key(UserName="opsdeck-test", AccessKeyId=fresh_account.access_key)
    assert groups() == set()
