"""Everything the AWS CLI accepts resolves through botocore's own chain, end to end over
HTTP to the embedded server: the account STS reports proves whose credentials were used."""

from __future__ import annotations

import sys

import pytest

from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.clock import ManualClock
from console.demo import control
from console.identity import caller_account
from console.target import Target


async def whoami(profile: str | None, endpoint: str) -> tuple[str, str]:
    """(account, credential method) for `profile` through a ClientPool, as the console sees it."""
    pool = ClientPool(ManualClock())
    try:
        account = await caller_account(AwsContext(pool, Target(profile, "us-east-1", endpoint)))
        credentials = await pool.session(profile).get_credentials()
        return account, credentials.method
    finally:
        await pool.close()


async def test_named_profile_from_credentials_file(fresh_account, aws_files, no_env_keys):
    aws_files.keys("team", fresh_account.access_key, fresh_account.secret_key)
    aws_files.profile("team", region="us-east-1")
    assert await whoami("team", fresh_account.endpoint) == (fresh_account.id, "shared-credentials-file")


async def test_environment_credentials(fresh_account, monkeypatch):
    fresh_account.use(monkeypatch)
    assert await whoami(None, fresh_account.endpoint) == (fresh_account.id, "env")


async def test_credential_process(fresh_account, aws_files, no_env_keys, tmp_path):
    script = tmp_path / "creds.py"
    script.write_text(
        "import json\n"
        f"print(json.dumps({{'Version': 1, 'AccessKeyId': {fresh_account.access_key!r}, "
        f"'SecretAccessKey': {fresh_account.secret_key!r}}}))\n"
    )
    aws_files.profile("proc", credential_process=f"{sys.executable} {script}")
    assert await whoami("proc", fresh_account.endpoint) == (fresh_account.id, "custom-process")


async def test_assume_role_chain_with_source_profile(fresh_account, aws_files, no_env_keys, monkeypatch):
    role_account = "210987654321"
    aws_files.keys("base", fresh_account.access_key, fresh_account.secret_key)
    aws_files.profile("ops", role_arn=f"arn:aws:iam::{role_account}:role/ops", source_profile="base")
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", fresh_account.endpoint)  # botocore's own AssumeRole goes here
    assert await whoami("ops", fresh_account.endpoint) == (role_account, "assume-role")
    counts = control.request_counts(fresh_account.endpoint)
    assert control.count_of(counts, "sts", "AssumeRole", account=fresh_account.id) == 1  # signed by base's key


async def test_sso_profile_with_cli_token_cache(endpoint, aws_files, no_env_keys, monkeypatch):
    sso_account = "555566667777"
    aws_files.profile("sso-dev", sso_start_url="https://example.awsapps.com/start", sso_region="us-east-1",
                      sso_account_id=sso_account, sso_role_name="ReadOnly", region="us-east-1")
    aws_files.sso_token("fresh-token", "2099-01-01T00:00:00Z")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", endpoint)  # the portal stub in the embedded server
    assert await whoami("sso-dev", endpoint) == (sso_account, "sso")


async def test_sso_portal_refuses_a_revoked_token(endpoint, aws_files, no_env_keys, monkeypatch):
    from botocore.exceptions import UnauthorizedSSOTokenError

    aws_files.profile("sso-dev", sso_start_url="https://example.awsapps.com/start", sso_region="us-east-1",
                      sso_account_id="555566667777", sso_role_name="ReadOnly", region="us-east-1")
    aws_files.sso_token("revoked-by-admin", "2099-01-01T00:00:00Z")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", endpoint)
    with pytest.raises(UnauthorizedSSOTokenError):
        await whoami("sso-dev", endpoint)


async def test_botocore_mfa_prompt_never_blocks(fresh_account, aws_files, no_env_keys, monkeypatch):
    """A role profile with mfa_serial reached without opsdeck's MFA step raises at once
    instead of waiting on getpass (which would freeze the TUI's event loop)."""
    from console.aws.credentials import MfaCodeRequired

    aws_files.keys("base", fresh_account.access_key, fresh_account.secret_key)
    aws_files.profile("admin", role_arn="arn:aws:iam::210987654321:role/admin", source_profile="base",
                      mfa_serial=f"arn:aws:iam::{fresh_account.id}:mfa/me")
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", fresh_account.endpoint)
    monkeypatch.setattr("getpass.getpass", lambda *a, **k: pytest.fail("botocore prompted on the terminal"))
    with pytest.raises(MfaCodeRequired):
        await whoami("admin", fresh_account.endpoint)
