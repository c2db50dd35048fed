"""Lambda Invoke: 404s, injected function errors, aliases and weighted routing."""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter

import boto3
import pytest

from console.demo import control


@pytest.fixture(scope="module")
def lam(aws):
    client = boto3.client("lambda", endpoint_url=aws.endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    iam = boto3.client("iam", endpoint_url=aws.endpoint, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    role = iam.create_role(RoleName="fn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("h.py", "def h(e, c):\n    return e\n")
    for code in ("v1", "v2"):
        if code == "v1":
            client.create_function(FunctionName="pay", Runtime="python3.12", Role=role, Handler="h.h",
                                   Code={"ZipFile": buf.getvalue()}, Description=code)
        else:
            client.update_function_configuration(FunctionName="pay", Description=code)
        client.publish_version(FunctionName="pay", Description=code)
    client.create_alias(FunctionName="pay", Name="live", FunctionVersion="1")
    client.create_alias(FunctionName="pay", Name="canary", FunctionVersion="1",
                        RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}})
    yield client
    control.clear_failures(aws.endpoint)


def _invoke(lam, **kw):
    response = lam.invoke(Payload=json.dumps({"order": 7}).encode(), **kw)
    return response, json.loads(response["Payload"].read())


def test_echo_and_executed_version(lam):
    response, payload = _invoke(lam, FunctionName="pay")
    assert response["StatusCode"] == 200 and "FunctionError" not in response
    assert payload == {"order": 7}
    assert response["ExecutedVersion"] == "$LATEST"
    assert _invoke(lam, FunctionName="pay", Qualifier="2")[0]["ExecutedVersion"] == "2"
    assert _invoke(lam, FunctionName="pay:live")[0]["ExecutedVersion"] == "1"


def test_unknown_function_and_qualifier_are_404(lam):
    for kw in ({"FunctionName": "nope"}, {"FunctionName": "pay", "Qualifier": "9"},
               {"FunctionName": "pay", "Qualifier": "nosuchalias"}):
        with pytest.raises(lam.exceptions.ResourceNotFoundException):
            lam.invoke(**kw)


def test_injected_failure_hits_only_that_version(aws, lam):
    control.fail_function(aws.endpoint, "pay", version="2", message="card declined", error_type="PaymentError")
    try:
        response, payload = _invoke(lam, FunctionName="pay", Qualifier="2")
        assert response["FunctionError"] == "Unhandled"
        assert payload == {"errorMessage": "card declined", "errorType": "PaymentError", "stackTrace": []}
        assert "FunctionError" not in _invoke(lam, FunctionName="pay", Qualifier="live")[0]
    finally:
        control.clear_failures(aws.endpoint)
    assert "FunctionError" not in _invoke(lam, FunctionName="pay", Qualifier="2")[0]


def test_payload_marker_fails_one_invocation(lam):
    response = lam.invoke(FunctionName="pay", Payload=json.dumps({"__opsdeck_fail__": "boom"}).encode())
    assert response["FunctionError"] == "Unhandled"
    assert json.loads(response["Payload"].read())["errorMessage"] == "boom"


def test_weighted_alias_routes_to_both_versions(lam):
    versions = Counter(_invoke(lam, FunctionName="pay", Qualifier="canary")[0]["ExecutedVersion"] for _ in range(40))
    assert set(versions) == {"1", "2"}
