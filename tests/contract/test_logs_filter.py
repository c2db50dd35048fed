"""CloudWatch Logs filter patterns, through FilterLogEvents on the embedded AWS.

Source for every test: the CloudWatch Logs User Guide, "Filter pattern syntax for metric
filters, subscription filters, filter log events, and Live Tail"
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html) and
its sections on unstructured, JSON and space-delimited log events and on regular expressions
(regex-expressions.html). The messages and patterns are the guide's own examples, each
checked both ways: what it says a pattern matches, and what it says it does not. moto 5.2.5
matched every event for all but plain words and phrases.

An invalid pattern is refused with InvalidParameterException "Invalid filter pattern", the
text AWS answers (aws/aws-toolkit-jetbrains#3219; awsdocs/amazon-cloudwatch-logs-user-guide#21).
"""

from __future__ import annotations

import json
import time

import pytest

from tests.contract.test_logs import refusal

UNSTRUCTURED = [
    "[ERROR 400] BAD REQUEST",
    "[ERROR 401] UNAUTHORIZED REQUEST",
    "[ERROR 419] MISSING ARGUMENTS",
    "[ERROR 420] INVALID ARGUMENTS",
    "[ERROR 500] INTERNAL SERVER ERROR",
    "[SUCCESS 200] AUTHORIZED REQUEST",
]
TRAIL = {"eventType": "UpdateTrail", "sourceIPAddress": "111.111.111.111", "arrayKey": ["value", "another value"],
         "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}], "SomeObject": None,
         "ThisFlag": True, "bandwidth": 80, "latency": 40, "number": [0.001]}
USERS = {"user": {"id": 1, "email": "John.Stiles@example.com"},
         "users": [{"id": 2, "email": "John.Doe@example.com"}, {"id": 3, "email": "Jane.Doe@example.com"}],
         "actions": ["GET", "PUT", "DELETE"], "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]]}
APACHE = '127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534'
APACHE_OK = '127.0.0.1 Prod frank [10/Oct/2000:13:25:16 -0700] "GET /index.html HTTP/1.0" 200 900'
APACHE_GONE = '10.0.0.1 Test jane [10/Oct/2000:13:25:17 -0700] "GET /old.png HTTP/1.0" 410 2000'
WORDS = ["ERROR something failed", "WARNING disk almost full", "INFO all good"]


@pytest.fixture
def search(fresh_account):
    """`search(pattern)`: the messages FilterLogEvents returns from one group holding every
    example event of the guide (in the order written)."""
    logs = fresh_account.client("logs")
    logs.create_log_group(logGroupName="/guide")
    logs.create_log_stream(logGroupName="/guide", logStreamName="examples")
    messages = UNSTRUCTURED + [json.dumps(TRAIL), json.dumps(USERS), APACHE, APACHE_OK, APACHE_GONE] + WORDS
    t = int(time.time() * 1000) - 10_000
    logs.put_log_events(logGroupName="/guide", logStreamName="examples",
                        logEvents=[{"timestamp": t + i, "message": m} for i, m in enumerate(messages)])

    def run(pattern: str) -> list[str]:
        return [e["message"] for e in logs.filter_log_events(logGroupName="/guide", filterPattern=pattern)["events"]]

    run.logs = logs
    return run


def test_terms_all_any_phrase_and_exclusion(search):
    """Unstructured log events: "ERROR" matches the events containing the word; "ERROR
    ARGUMENTS" only those with both; "?ERROR ?ARGUMENTS" those with either; "INTERNAL SERVER
    ERROR" in double quotes the exact phrase; "ERROR -ARGUMENTS" the ERROR events without
    ARGUMENTS; '" "' matches everything. "Filter patterns are case sensitive." """
    errors = UNSTRUCTURED[:5] + [WORDS[0]]
    assert search("ERROR") == errors
    assert search("ERROR ARGUMENTS") == UNSTRUCTURED[2:4]
    assert search("?ERROR ?ARGUMENTS") == errors
    assert search('"INTERNAL SERVER ERROR"') == ["[ERROR 500] INTERNAL SERVER ERROR"]
    assert search("ERROR -ARGUMENTS") == [UNSTRUCTURED[0], UNSTRUCTURED[1], UNSTRUCTURED[4], WORDS[0]]
    assert len(search('" "')) == len(UNSTRUCTURED) + 5 + len(WORDS)
    assert search("error") == []
    assert search('"SERVER INTERNAL"') == []


def test_json_strings_numbers_and_wildcards(search):
    """JSON log events: { $.eventType = "UpdateTrail" } matches the string; { $.sourceIPAddress
    != 123.123.* } matches "because it doesn't contain" that prefix; the numeric operators >,
    <, >=, <=, =, != (with sign and scientific notation: { $.number[0] = 1e-3 }); "*" as a
    wildcard; arrays by index ({ $.arrayKey[0] = "value" }, { $.objectList[1].id = 2 }); a
    selector naming an array or object "won't match". Non-JSON events never match."""
    trail = [json.dumps(TRAIL)]
    assert search('{ $.eventType = "UpdateTrail" }') == trail
    assert search('{ $.eventType = "Update*" }') == trail
    assert search('{ $.eventType = "DeleteTrail" }') == []
    assert search("{ $.sourceIPAddress != 123.123.* }") == trail
    assert search("{ $.sourceIPAddress != 111.111.* }") == []
    assert search("{ $.bandwidth > 75 }") == trail and search("{ $.bandwidth > 80 }") == []
    assert search("{ $.latency < 50 }") == trail and search("{ $.latency < 40 }") == []
    assert search("{ $.bandwidth >= 80 }") == trail and search("{ $.latency <= 39 }") == []
    assert search("{ $.number[0] = 1e-3 }") == trail and search("{ $.number[0] != 1e+3 }") == trail
    assert search('{ $.arrayKey[0] = "value" }') == trail and search('{ $.arrayKey[1] = "value" }') == []
    assert search("{ $.objectList[1].id = 2 }") == trail and search("{ $.objectList[0].id = 2 }") == []
    assert search('{ $.arrayKey = "value" }') == [] and search('{ $.objectList != "x" }') == []


def test_json_is_null_true_false_and_not_exists(search):
    """JSON log events: "The IS variable can match fields that contain the values NULL, TRUE,
    or FALSE" ({ $.SomeObject IS NULL }); NOT EXISTS returns "JSON logs that don't contain
    specific fields" ({ $.SomeOtherObject NOT EXISTS })."""
    trail, users = json.dumps(TRAIL), json.dumps(USERS)
    assert search("{ $.SomeObject IS NULL }") == [trail]
    assert search("{ $.eventType IS NULL }") == []
    assert search("{ $.ThisFlag IS TRUE }") == [trail] and search("{ $.ThisFlag IS FALSE }") == []
    assert search("{ $.SomeOtherObject NOT EXISTS }") == [trail, users]
    assert search("{ $.SomeObject NOT EXISTS }") == [users]


def test_json_compound_expressions(search):
    """JSON log events, compound expressions: && and ||, parentheses, and the order
    "() > && > ||". The guide's four examples on its users/actions/coordinates object: two
    match, two do not."""
    users = [json.dumps(USERS)]
    assert search('{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }') == users
    assert search('{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch" '
                  '&& $.actions[2] = "nonmatch" }') == users
    assert search('{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch") '
                  '&& $.actions[2] = "nonmatch" }') == []
    assert search('{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }') == []


def test_space_delimited_fields(search):
    """Space-delimited log events: "Characters between brackets ("[]") and double quotation
    marks ("") are considered single fields"; [ip, user, username, timestamp, request
    =*.html*, status_code = 4*, bytes] conditions fields with wildcards; "..." references
    any unnamed fields; || joins conditions on one field (status_code = 404 || status_code =
    410); numeric operators ([..., bytes > 1000])."""
    assert search("[ip, user, username, timestamp, request =*.html*, status_code = 4*, bytes]") == [APACHE]
    assert search("[..., request =*.html*, status_code = 4*, bytes]") == [APACHE]
    assert search("[ip, user, username, timestamp, request, status_code = 404 || status_code = 410, bytes]") == \
        [APACHE, APACHE_GONE]
    assert search("[ip, server, username, timestamp, request, status_code, bytes > 1000]") == [APACHE, APACHE_GONE]
    assert search("[ip = 127.0.0.1, ..., status_code = 2*, bytes]") == [APACHE_OK]
    assert search('[..., request = "GET /old.png HTTP/1.0", status_code, bytes]') == [APACHE_GONE]
    assert search("[..., status_code = 5*, bytes]") == []


def test_space_delimited_words_in_order(search):
    """Space-delimited, matching terms in order: [w1=ERROR, w2] returns the events whose first
    word is ERROR (w2, the "blank indicator", takes the rest); [w1=ERROR || w1=WARNING, w2]
    either; [w1!=ERROR && w1!=WARNING, w2] neither."""
    assert search("[w1=ERROR, w2]") == ["ERROR something failed"]
    assert search("[w1=ERROR || w1=WARNING, w2]") == WORDS[:2]
    neither = search("[w1!=ERROR && w1!=WARNING, w2]")
    assert WORDS[2] in neither and not set(WORDS[:2]) & set(neither)


def test_regular_expressions(search):
    """Supported regular expressions: a pattern between % signs; %AUTHORIZED% matches both
    "[ERROR 401] UNAUTHORIZED REQUEST" and "[SUCCESS 200] AUTHORIZED REQUEST"; ^ and $
    anchor; [] classes, {m,n}, ?, |, \\d; and regular expressions "can be incorporated with
    JSON and space-delimited filter patterns"."""
    assert search("%AUTHORIZED%") == [UNSTRUCTURED[1], UNSTRUCTURED[5]]
    assert search("%^\\[SUCCESS%") == [UNSTRUCTURED[5]]
    assert search("%ARGUMENTS$%") == UNSTRUCTURED[2:4]
    assert search("%4[01]\\d\\]%") == UNSTRUCTURED[:3]
    assert search("%WARN|INFO%") == WORDS[1:]
    assert search("%ERRORS?%") == UNSTRUCTURED[:5] + [WORDS[0]]
    assert search("%SUC{2}ES{2}%") == [UNSTRUCTURED[5]] and search("%SUC{3}%") == []
    assert search("{ $.eventType = %Trail$% }") == [json.dumps(TRAIL)]
    assert search("[w1=%^WARN%, w2]") == [WORDS[1]]


@pytest.mark.parametrize("pattern", [
    "%something!%",  # "%something!% would be rejected since '!' is not supported"
    "%(ERROR)%",  # "The ( and ) operators are not supported"
    "%SERVER ERROR%",  # "Filter patterns with regex can only include": a space is not listed
    "{ $.SomeObject IS NOT NULL }",  # "The variables IS NOT and EXISTS currently aren't supported"
    "{ $.SomeObject EXISTS }",
    "{ $.a = %x% && $.b = %y% && $.c = %z% }",  # "a limit of 2 regex for each filter pattern"
    "[ip, user, username, timestamp, request, status_code = 4* && bytes > 1000]",  # awsdocs guide #21
    '{ $.eventType = "UpdateTrail"',
    "[ip, user",
    '"INTERNAL SERVER',
])
def test_invalid_patterns_are_refused(search, pattern):
    """Invalid syntax is refused before any event is read: InvalidParameterException, HTTP
    400, "Invalid filter pattern"."""
    error = refusal(lambda: search.logs.filter_log_events(logGroupName="/guide", filterPattern=pattern))
    assert (error["Error"]["Code"], error["Error"]["Message"]) == ("InvalidParameterException", "Invalid filter pattern")
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
