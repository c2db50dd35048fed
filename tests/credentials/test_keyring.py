"""Long-term keys in the OS keyring: `opsdeck credentials set/list/remove`, precedence over
the files, and never a secret on disk or in output. An in-memory backend stands in for
the OS keyring (keyring.set_keyring); AWS calls go to the embedded server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from console.aws.credentials import KEYRING_SERVICE, KeyringUnavailable, store_keys, stored_keys, usable_keyring
from console.cli import main

from .test_chain import whoami

DEFAULT_ACCOUNT = "123456789012"  # what the sandbox's dummy "testing" keys act in


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def files_containing(root: Path, secret: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def test_set_list_remove(memory_keyring, tmp_path):
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    result = run("credentials", "set", "prod", input=f"AKIAEXAMPLE000000001\n{secret}\n")
    assert result.exit_code == 0, result.output
    assert "Stored keys for profile prod" in result.output
    assert secret not in result.output and "AKIAEXAMPLE000000001" not in result.output  # prompts never echo
    stored = json.loads(memory_keyring.entries[(KEYRING_SERVICE, "prod")])
    assert stored == {"aws_access_key_id": "AKIAEXAMPLE000000001", "aws_secret_access_key": secret}
    assert secret not in repr(stored_keys("prod"))

    listed = run("credentials", "list")
    assert listed.exit_code == 0
    assert "prod" in listed.output and "AKIA…0001" in listed.output
    assert secret not in listed.output and "AKIAEXAMPLE000000001" not in listed.output

    assert run("credentials", "remove", "prod").exit_code == 0
    assert (KEYRING_SERVICE, "prod") not in memory_keyring.entries
    assert "No keys stored" in run("credentials", "list").output
    assert run("credentials", "remove", "prod").exit_code != 0
    assert files_containing(tmp_path, secret) == []


async def test_stored_keys_take_precedence_over_the_files(memory_keyring, fresh_account, aws_files, no_env_keys):
    aws_files.keys("team", "testing", "testing")  # the files say: the default account
    aws_files.profile("team", region="us-east-1")
    assert (await whoami("team", fresh_account.endpoint))[0] == DEFAULT_ACCOUNT

    store_keys("team", fresh_account.access_key, fresh_account.secret_key)
    assert (await whoami("team", fresh_account.endpoint))[0] == fresh_account.id

    run("credentials", "remove", "team")
    assert (await whoami("team", fresh_account.endpoint))[0] == DEFAULT_ACCOUNT


def test_credentials_check_names_the_source(memory_keyring, fresh_account, aws_files, no_env_keys):
    aws_files.keys("team", "testing", "testing")
    check = ("--profile", "team", "--endpoint-url", fresh_account.endpoint, "credentials", "check")
    result = run(*check)
    assert result.exit_code == 0, result.output
    assert DEFAULT_ACCOUNT in result.output and "shared-credentials-file" in result.output

    store_keys("team", fresh_account.access_key, fresh_account.secret_key)
    result = run(*check)
    assert result.exit_code == 0, result.output
    assert fresh_account.id in result.output and "OS keyring" in result.output
    assert fresh_account.secret_key not in result.output


async def test_a_keyring_only_profile_works_without_any_aws_file(memory_keyring, fresh_account, aws_files,
                                                                 no_env_keys):
    store_keys("ci", fresh_account.access_key, fresh_account.secret_key)
    assert (await whoami("ci", fresh_account.endpoint))[0] == fresh_account.id


async def test_nothing_secret_reaches_disk_logs_or_screens(memory_keyring, fresh_account, aws_files, no_env_keys,
                                                           tmp_path):
    from console.app import OpsdeckApp
    from console.aws.clients import ClientPool
    from console.clock import ManualClock
    from console.target import Target
    from .conftest import loaded, wait_for

    store_keys("team", fresh_account.access_key, fresh_account.secret_key)
    clock = ManualClock()
    app = OpsdeckApp(Target("team", "us-east-1", fresh_account.endpoint), ClientPool(clock), clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: loaded(app, "empty", "ok"), "the dashboard")
        assert app.target.account == fresh_account.id
        screenshot = app.export_screenshot()
    assert fresh_account.secret_key not in screenshot
    assert files_containing(tmp_path, fresh_account.secret_key) == []


def test_no_keyring_backend_says_what_to_install_and_writes_no_file(no_keyring, tmp_path):
    for args, stdin in ((("credentials", "set", "prod"), "AKIAEXAMPLE000000001\nsecret-never-on-disk\n"),
                        (("credentials", "list"), None), (("credentials", "remove", "prod"), None)):
        result = run(*args, input=stdin)
        assert result.exit_code != 0
        assert "No usable OS keyring" in result.output
        assert "gnome-keyring" in result.output and "Keychain" in result.output
        assert "keyrings.alt" not in result.output
        assert "secret-never-on-disk" not in result.output
    assert files_containing(tmp_path, "secret-never-on-disk") == []
    assert stored_keys("prod") is None  # lookups just fall back to botocore's chain


def test_a_plain_file_keyring_is_refused(monkeypatch):
    import keyring

    from .conftest import MemoryKeyring

    PlainFile = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": "keyrings.alt.file"})
    previous = keyring.get_keyring()
    keyring.set_keyring(PlainFile())
    try:
        with pytest.raises(KeyringUnavailable, match="plain file"):
            usable_keyring()
        with pytest.raises(KeyringUnavailable):
            store_keys("prod", "AKIAEXAMPLE000000001", "secret")
    finally:
        keyring.set_keyring(previous)
