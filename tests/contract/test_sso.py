"""The IAM Identity Center portal as the embedded AWS serves it
(console.demo.extensions.sso_portal).

Sources: the IAM Identity Center Portal API Reference: GetRoleCredentials
(GET /federation/credentials with the x-amz-sso_bearer_token header; "UnauthorizedException:
Indicates that the request is not authorized. This can happen due to an invalid access token
in the request. HTTP Status Code: 401"; RoleCredentials.expiration in milliseconds since the
epoch) and Logout ("After user logout, any existing IAM role sessions that were created by
using IAM Identity Center permission sets continue based on the duration configured in the
permission set").
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from console.demo import control


def portal(endpoint: str):
    return boto3.client("sso", endpoint_url=endpoint, region_name="us-east-1", config=Config(signature_version=UNSIGNED))


def test_an_ended_sign_in_session_is_refused_and_its_role_credentials_last_their_duration(fresh_account,
                                                                                           shared_clock):
    token = f"sso-session-{fresh_account.id}"
    answer = portal(fresh_account.endpoint).get_role_credentials(
        roleName="ReadOnly", accountId=fresh_account.id, accessToken=token)["roleCredentials"]
    expires = shared_clock.now() + timedelta(hours=1)  # the permission set's default session duration
    assert abs(answer["expiration"] / 1000 - expires.timestamp()) < 2
    lambda_ = boto3.client("lambda", endpoint_url=fresh_account.endpoint, region_name="us-east-1",
                           aws_access_key_id=answer["accessKeyId"], aws_secret_access_key=answer["secretAccessKey"],
                           aws_session_token=answer["sessionToken"])
    lambda_.list_functions()

    control.end_sso_session(fresh_account.endpoint, token)
    with pytest.raises(ClientError) as refused:
        portal(fresh_account.endpoint).get_role_credentials(
            roleName="ReadOnly", accountId=fresh_account.id, accessToken=token)
    assert refused.value.response["Error"]["Code"] == "UnauthorizedException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 401

    asyncio.run(shared_clock.advance(3590))
    lambda_.list_functions()  # the role session outlives the sign-in session
    asyncio.run(shared_clock.advance(20))
    with pytest.raises(ClientError) as expired:
        lambda_.list_functions()
    assert expired.value.response["Error"]["Code"] == "ExpiredTokenException"

    fresh = portal(fresh_account.endpoint).get_role_credentials(  # a new `aws sso login`: a new token
        roleName="ReadOnly", accountId=fresh_account.id, accessToken=token + "-again")["roleCredentials"]
    assert fresh["accessKeyId"] != answer["accessKeyId"]
