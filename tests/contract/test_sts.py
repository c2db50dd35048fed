"""STS's temporary credentials, as the embedded AWS keeps them
(console.demo.extensions.sts_expiry).

Sources: the STS API Reference, AssumeRole ("DurationSeconds: The duration, in seconds, of
the role session"; Credentials.Expiration: "The date on which the current credentials
expire"); Common Errors of every API reference ("ExpiredTokenException: The security token
included in the request is expired. HTTP Status Code: 403"); the query protocol's spelling,
"An error occurred (ExpiredToken) when calling the ... operation" (AWS Knowledge Center,
https://aws.amazon.com/premiumsupport/knowledge-center/sts-iam-token-expired/).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import boto3
import pytest
from botocore.exceptions import ClientError


def temporary_client(service: str, endpoint: str, credentials: dict):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=credentials["AccessKeyId"],
                        aws_secret_access_key=credentials["SecretAccessKey"],
                        aws_session_token=credentials["SessionToken"])


def test_assumed_role_credentials_work_for_their_duration_then_expire(fresh_account, shared_clock):
    role_account = "4" + fresh_account.id[1:]
    answer = fresh_account.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{role_account}:role/oncall", RoleSessionName="expiry", DurationSeconds=900)
    credentials = answer["Credentials"]
    expected = shared_clock.now() + timedelta(seconds=900)
    assert abs((credentials["Expiration"] - expected).total_seconds()) < 2  # the Expiration it enforces
    lambda_ = temporary_client("lambda", fresh_account.endpoint, credentials)
    sts = temporary_client("sts", fresh_account.endpoint, credentials)
    assert sts.get_caller_identity()["Account"] == role_account

    asyncio.run(shared_clock.advance(895))
    lambda_.list_functions()  # still inside the session

    asyncio.run(shared_clock.advance(10))
    with pytest.raises(ClientError) as json_error:
        lambda_.list_functions()
    assert json_error.value.response["Error"]["Code"] == "ExpiredTokenException"
    assert json_error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert "security token included in the request is expired" in str(json_error.value)
    with pytest.raises(ClientError) as query_error:
        sts.get_caller_identity()
    assert query_error.value.response["Error"]["Code"] == "ExpiredToken"
    assert query_error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    # long-term IAM user keys never expire
    assert fresh_account.client("sts").get_caller_identity()["Account"] == fresh_account.id
