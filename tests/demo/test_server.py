"""The embedded AWS process: readiness line, control API, request accounting, lifecycle."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import boto3
import botocore.exceptions
import pytest

from console.demo import control
from console.demo.process import EmbeddedAws


def _client(aws, service, **extra):
    return boto3.client(service, endpoint_url=aws.endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing", **extra)


def test_endpoint_is_localhost_and_healthy(aws):
    assert aws.endpoint == f"http://127.0.0.1:{aws.port}"
    assert control.health(aws.endpoint)["ok"] is True


def test_requests_are_counted_by_service_and_operation_across_protocols(aws):
    control.reset_request_counts(aws.endpoint)
    lam, ecs, sts, cw = (_client(aws, s) for s in ("lambda", "ecs", "sts", "cloudwatch"))
    lam.list_functions()
    with pytest.raises(botocore.exceptions.ClientError):
        lam.get_function(FunctionName="nope")  # rest-json, path template with a parameter
    ecs.list_clusters()  # json: X-Amz-Target
    ecs.list_clusters()
    sts.get_caller_identity()  # query: Action= in the form body
    cw.put_metric_data(Namespace="T", MetricData=[{"MetricName": "m", "Value": 1}])  # rpc-v2-cbor
    counts = control.request_counts(aws.endpoint)
    assert control.count_of(counts, "lambda", "ListFunctions") == 1
    assert control.count_of(counts, "lambda", "GetFunction") == 1
    assert control.count_of(counts, "ecs", "ListClusters") == 2
    assert control.count_of(counts, "sts", "GetCallerIdentity") == 1
    assert control.count_of(counts, "cloudwatch", "PutMetricData") == 1
    assert counts["total"] == 6
    assert {r["account"] for r in counts["requests"]} == {"123456789012"}


def test_account_comes_from_header_or_access_key(aws):
    control.reset_request_counts(aws.endpoint)
    iam = _client(aws, "iam")
    iam.meta.events.register("before-sign.iam.*",
                             lambda request, **_: request.headers.__setitem__("x-moto-account-id", "111122223333"))
    iam.create_user(UserName="counted")
    key = iam.create_access_key(UserName="counted")["AccessKey"]
    boto3.client("ecs", endpoint_url=aws.endpoint, region_name="us-east-1",
                 aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]).list_clusters()
    counts = control.request_counts(aws.endpoint)
    assert control.count_of(counts, "iam", "CreateUser", account="111122223333") == 1
    assert control.count_of(counts, "ecs", "ListClusters", account="111122223333") == 1


def test_reset_clears_counts(aws):
    _client(aws, "ecs").list_clusters()
    control.reset_request_counts(aws.endpoint)
    assert control.request_counts(aws.endpoint) == {"requests": [], "total": 0, "throttled": 0}


def test_unknown_control_route_is_an_error(aws):
    with pytest.raises(control.ControlError):
        control._call(aws.endpoint, "GET", "/_opsdeck/nothing")


def test_stop_terminates_the_child_cleanly():
    server = EmbeddedAws.start(size="none", simulate=False)
    server.stop()
    assert server.proc.returncode == 0


def test_a_taken_port_is_named(aws):
    from console.demo.process import PortInUse

    with pytest.raises(PortInUse, match=f"port {aws.port} on 127.0.0.1 is already in use"):
        EmbeddedAws.start(size="none", simulate=False, port=aws.port)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purposes
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return True


def test_child_does_not_outlive_a_killed_parent():
    parent = subprocess.Popen(
        [sys.executable, "-c",
         "from console.demo.process import EmbeddedAws; import sys, time;"
         "s = EmbeddedAws.start(size='none', simulate=False); print(s.proc.pid, flush=True); time.sleep(600)"],
        stdout=subprocess.PIPE, text=True, cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    child = int(parent.stdout.readline())
    assert _alive(child)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 30
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(child)
