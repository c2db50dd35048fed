"""Messages that fit where they appear: the console never tells the user to type one of
opsdeck's command-line flags or commands (AWS CLI commands to copy are fine), and the
command line never tells them to press a key. Every problem text is scanned."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ProfileNotFound,
    SSOTokenLoadError,
)
from click.testing import CliRunner

from console.aws.errors import describe_problem
from console.aws.readonly import ReadOnlyViolation

AWS_CLI = re.compile(r"`aws [^`]*`")  # a command to copy into a shell: its flags are the AWS CLI's
OPSDECK_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")
OPSDECK_COMMAND = re.compile(r"\bopsdeck (?:lambda|ecs|events|stepfunctions|demo|audit|credentials|whoami)\b|`opsdeck\b")
KEYS = re.compile(r"ctrl\+r|press ", re.IGNORECASE)


def console_offences(text: str) -> list[str]:
    """opsdeck flags or commands in text shown in the console."""
    text = AWS_CLI.sub("", text)
    return OPSDECK_FLAG.findall(text) + OPSDECK_COMMAND.findall(text)


def client_error(code: str, status: int = 400) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": f"{code} happened"},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, "ListFunctions")


FAILURES = [
    ReadOnlyViolation("lambda", "Invoke"),
    ProfileNotFound(profile="prod"),
    NoRegionError(),
    NoCredentialsError(),
    SSOTokenLoadError(error_msg="token expired"),
    client_error("ExpiredTokenException"),
    client_error("AccessDeniedException", 403),
    EndpointConnectionError(endpoint_url="http://127.0.0.1:1"),
    client_error("ThrottlingException", 429),
    client_error("ResourceNotFoundException", 404),
    client_error("ValidationException"),
    RuntimeError("something else"),
]


@pytest.mark.parametrize("exc", FAILURES, ids=lambda exc: type(exc).__name__ + getattr(exc, "response", {}).get(
    "Error", {}).get("Code", ""))
@pytest.mark.parametrize("profile, endpoint", [(None, None), ("prod", "http://127.0.0.1:4566")])
def test_every_problem_in_the_console_names_no_opsdeck_flag_and_on_the_cli_no_key(exc, profile, endpoint):
    problem = describe_problem(exc, profile=profile, endpoint=endpoint)
    shown = " ".join((problem.headline, problem.detail, problem.remedy))
    assert console_offences(shown) == [], shown
    assert not KEYS.search(problem.cli_message()), problem.cli_message()
    assert problem.cli_remedy or not KEYS.search(problem.remedy)  # a remedy with a key has CLI words too


def test_the_scan_catches_what_it_looks_for():
    assert console_offences("Start opsdeck without --read-only") == ["--read-only"]
    assert console_offences("run `opsdeck lambda rollback fn --to 2`") == ["--to", "`opsdeck"]
    assert console_offences("Run `aws sso login --profile prod`, then press ctrl+r") == []
    assert KEYS.search("then press ctrl+r.")


def test_option_refusals_read_in_the_deploy_forms_words(tmp_path):
    """What the deploy form and the rollback modal show for refusals worded for the command
    line (the same actions parse both): the options become the form's fields."""
    from console.services.lambda_.actions import LambdaDeploy
    from screens.lambda_.deploy import field_of, in_form_words

    (tmp_path / "handler.py").write_text("def handler(event, context):\n    return event\n")
    code = str(tmp_path)
    bad = [dict(), dict(directory="/nonexistent"), dict(zip="/nonexistent.zip"), dict(image="repo"),
           dict(directory=code, canary="ten"), dict(directory=code, linear="10%:0s"),
           dict(directory=code, max_errors="x"), dict(directory=code, min_invocations="-1"),
           dict(directory=code, grace="soon")]
    for options in bad:
        with pytest.raises(ValueError) as refused:
            LambdaDeploy("fn", **options)
        message = str(refused.value)
        assert OPSDECK_FLAG.search(message)  # worded for the command line...
        for named in (True, False):
            shown = in_form_words(message, field_named=named)
            assert console_offences(shown) == [], shown  # ...and for the form
        assert field_of(message) is not None, message
    assert in_form_words("--to: version 9 of fn does not exist") == "To version: version 9 of fn does not exist"
    assert in_form_words("give the code to deploy: one of --dir DIRECTORY, --zip FILE or --image URI") == \
        'give the code to deploy: one of "directory", "zip file" or "image URI"'


def test_a_cli_error_says_what_to_run_not_what_to_press(monkeypatch):
    """`opsdeck credentials check` without credentials: the remedy for the command line."""
    from console.cli import main

    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    result = CliRunner().invoke(main, ["--endpoint-url", "http://127.0.0.1:1", "credentials", "check"])
    assert result.exit_code == 1
    assert "No AWS credentials found" in result.output and "run the command again" in result.output
    assert not KEYS.search(result.output), result.output
