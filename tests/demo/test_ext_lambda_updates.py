"""Lambda code updates: an armed failure ends the next UpdateFunctionCode Failed (and
$LATEST keeps its code); published versions keep their own image URI."""

from __future__ import annotations

import io
import zipfile

import boto3
import pytest

from console.demo import control

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app"


def _zip(text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("h.py", text)
    return buf.getvalue()


@pytest.fixture(scope="module")
def lam(aws):
    client = boto3.client("lambda", endpoint_url=aws.endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    iam = boto3.client("iam", endpoint_url=aws.endpoint, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    role = iam.create_role(RoleName="upd", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    client.create_function(FunctionName="upd", Runtime="python3.12", Role=role, Handler="h.h",
                           Code={"ZipFile": _zip("v1")}, Publish=True)
    client.create_function(FunctionName="other", Runtime="python3.12", Role=role, Handler="h.h",
                           Code={"ZipFile": _zip("v1")})
    client.create_function(FunctionName="img", Role=role, PackageType="Image",
                           Code={"ImageUri": f"{IMAGE}:v1"}, Publish=True)
    yield client
    control.clear_failures(aws.endpoint)


def test_next_update_fails_once_then_clears(aws, lam):
    before = lam.get_function_configuration(FunctionName="upd")
    assert before["LastUpdateStatus"] == "Successful"
    control.fail_next_update(aws.endpoint, "upd", "image layer too large", reason_code="InvalidImage")
    lam.update_function_code(FunctionName="other", ZipFile=_zip("other v2"))  # another function: unaffected
    assert lam.get_function_configuration(FunctionName="other")["LastUpdateStatus"] == "Successful"

    lam.update_function_code(FunctionName="upd", ZipFile=_zip("v2"))
    failed = lam.get_function_configuration(FunctionName="upd")
    assert (failed["LastUpdateStatus"], failed["LastUpdateStatusReason"], failed["LastUpdateStatusReasonCode"]) == \
        ("Failed", "image layer too large", "InvalidImage")
    assert failed["CodeSha256"] == before["CodeSha256"]  # Lambda aborted: the old code stays
    assert lam.get_function(FunctionName="upd")["Configuration"]["LastUpdateStatus"] == "Failed"
    assert lam.get_function_configuration(FunctionName="upd", Qualifier="1")["LastUpdateStatus"] == "Successful"

    lam.update_function_code(FunctionName="upd", ZipFile=_zip("v3"))  # only the next update failed
    after = lam.get_function_configuration(FunctionName="upd")
    assert after["LastUpdateStatus"] == "Successful" and "LastUpdateStatusReason" not in after
    assert after["CodeSha256"] != before["CodeSha256"]
    assert lam.publish_version(FunctionName="upd")["Version"] == "2"


def test_a_configuration_update_clears_a_failure(aws, lam):
    control.fail_next_update(aws.endpoint, "upd", "no space left")
    lam.update_function_code(FunctionName="upd", ZipFile=_zip("v4"))
    assert lam.get_function_configuration(FunctionName="upd")["LastUpdateStatus"] == "Failed"
    lam.update_function_configuration(FunctionName="upd", Description="retry")
    assert lam.get_function_configuration(FunctionName="upd")["LastUpdateStatus"] == "Successful"


def test_clear_failures_disarms_an_armed_update(aws, lam):
    control.fail_next_update(aws.endpoint, "upd", "never happens")
    control.clear_failures(aws.endpoint)
    lam.update_function_code(FunctionName="upd", ZipFile=_zip("v5"))
    assert lam.get_function_configuration(FunctionName="upd")["LastUpdateStatus"] == "Successful"


def test_bad_request_is_400(aws):
    with pytest.raises(control.ControlError, match="400"):
        control.fail_next_update(aws.endpoint, "upd", "")


def test_published_versions_keep_their_image(lam):
    lam.update_function_code(FunctionName="img", ImageUri=f"{IMAGE}:v2")
    lam.publish_version(FunctionName="img")
    images = {v: lam.get_function(FunctionName="img", Qualifier=v)["Code"]["ImageUri"] for v in ("1", "2", "$LATEST")}
    assert images == {"1": f"{IMAGE}:v1", "2": f"{IMAGE}:v2", "$LATEST": f"{IMAGE}:v2"}
