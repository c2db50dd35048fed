"""EventBridge event patterns on the embedded AWS: TestEventPattern, PutRule's validation and
PutEvents' routing, as the EventBridge user guide and API reference document them.

Each test states one documented behaviour and cites its page; the expected answers are
restated here from the pages, never computed by either matcher. Where the guide gives no
example the reading is the one console/demo/extensions/events_patterns.py documents.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

GUIDE = "https://docs.aws.amazon.com/eventbridge/latest/userguide/"

EVENT = {
    "version": "0",
    "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "111122223333",
    "time": "2017-10-02T18:43:48Z",
    "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"],
    "detail": {"instance-id": "i-b188560f", "state": "running"},
}


def with_detail(**detail) -> dict:
    return {**EVENT, "detail": detail}


@pytest.fixture
def verdict(fresh_account):
    """verdict(pattern, event) -> TestEventPattern's Result."""
    events = fresh_account.client("events")

    def ask(pattern: dict, event: dict = EVENT) -> bool:
        answer = events.test_event_pattern(EventPattern=json.dumps(pattern), Event=json.dumps(event))
        assert set(answer) - {"ResponseMetadata"} == {"Result"}
        return answer["Result"]

    return ask


def refusal(call) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response["Error"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return error["Code"], error["Message"]


def test_test_event_pattern_answers_result_true_or_false(verdict):
    """https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TestEventPattern.html:
    the response is {"Result": boolean}, "Indicates whether the event matches the event
    pattern." (moto answered {}.)"""
    assert verdict({"source": ["aws.ec2"]}) is True
    assert verdict({"source": ["aws.s3"]}) is False


def test_fields_must_all_match_and_any_value_of_a_field_array_may(verdict):
    """eb-create-pattern.html: "the event must contain all the field names listed in the
    event pattern"; the value to match is in a JSON array, "which matches events where the
    value for the "source" field is either "aws.ec2" or "aws.fargate"". Matching is exact."""
    assert verdict({"source": ["aws.ec2", "aws.fargate"], "detail": {"state": ["running"]}}) is True
    assert verdict({"source": ["aws.ec2"], "detail": {"state": ["stopped"]}}) is False
    assert verdict({"detail": {"state": ["Running"]}}) is False
    assert verdict({"detail": {"missing": ["running"]}}) is False


def test_an_event_array_matches_when_it_intersects_the_pattern_array(verdict):
    """eb-event-patterns-arrays.html: "If the value in the event is an array, then the event
    pattern matches if the intersection of the event pattern array and the event array is
    non-empty." (the page's resources example)"""
    resources = ["arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b",
                 "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"]
    event = {**EVENT, "resources": resources}
    assert verdict({"resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f", "x"]}, event) is True
    assert verdict({"resources": ["arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f"]}, event) is False


def test_null_and_empty_string_match_only_themselves(verdict):
    """eb-event-patterns-null-values.html: a pattern can match a null value ("[null]") and
    an empty string ("[""]"); null is not the empty string and not a missing field."""
    event = with_detail(eventVersion="", responseElements=None)
    assert verdict({"detail": {"responseElements": [None]}}, event) is True
    assert verdict({"detail": {"eventVersion": [""]}}, event) is True
    assert verdict({"detail": {"responseElements": [""]}}, event) is False
    assert verdict({"detail": {"absent": [None]}}, event) is False


def test_prefix_and_prefix_ignoring_case(verdict):
    """eb-create-pattern-operators.html, "Begins with" ({"prefix": "us-"}) and "Begins with
    (ignore case)" ({"prefix": {"equals-ignore-case": "eventb"}}); strings only."""
    event = with_detail(service="EventBridge", count=10)
    assert verdict({"time": [{"prefix": "2017-10-02"}]}) is True
    assert verdict({"detail": {"service": [{"prefix": "eventb"}]}}, event) is False
    assert verdict({"detail": {"service": [{"prefix": {"equals-ignore-case": "eventb"}}]}}, event) is True
    assert verdict({"detail": {"count": [{"prefix": "1"}]}}, event) is False


def test_suffix_and_suffix_ignoring_case(verdict):
    """eb-create-pattern-operators.html, "Ends with" ({"suffix": ".png"}) and "Ends with
    (ignore case)" ({"suffix": {"equals-ignore-case": ".png"}})."""
    event = with_detail(FileName="image.PNG")
    assert verdict({"detail": {"FileName": [{"suffix": ".png"}]}}, event) is False
    assert verdict({"detail": {"FileName": [{"suffix": {"equals-ignore-case": ".png"}}]}}, event) is True


def test_equals_ignore_case(verdict):
    """eb-create-pattern-operators.html, "Equals (ignore case)": {"equals-ignore-case": "alice"}
    matches "ALICE"."""
    assert verdict({"detail": {"name": [{"equals-ignore-case": "alice"}]}}, with_detail(name="ALICE")) is True
    assert verdict({"detail": {"name": [{"equals-ignore-case": "alice"}]}}, with_detail(name="alicia")) is False


def test_anything_but_in_every_documented_form(verdict):
    """eb-create-pattern-operators.html, "Anything-but" (a string, a number, a list),
    "Anything-but (begins with)", "(ends with)", "(ignore case)" and "using a wildcard";
    an anything-but needs the field to be present."""
    event = with_detail(state="initializing", x=123, Region="us-east-1", FileName="a.png", FilePath="/usr/lib/x")
    assert verdict({"detail": {"state": [{"anything-but": "initializing"}]}}, event) is False
    assert verdict({"detail": {"state": [{"anything-but": "running"}]}}, event) is True
    assert verdict({"detail": {"x": [{"anything-but": 123}]}}, event) is False
    assert verdict({"detail": {"state": [{"anything-but": ["stopped", "overloaded"]}]}}, event) is True
    assert verdict({"detail": {"x": [{"anything-but": [100, 200, 300]}]}}, event) is True
    assert verdict({"detail": {"Region": [{"anything-but": {"prefix": "us-"}}]}}, event) is False
    assert verdict({"detail": {"FileName": [{"anything-but": {"suffix": ".png"}}]}}, event) is False
    assert verdict({"detail": {"state": [{"anything-but": {"equals-ignore-case": "INITIALIZING"}}]}}, event) is False
    assert verdict({"detail": {"FilePath": [{"anything-but": {"wildcard": "*/lib/*"}}]}}, event) is False
    assert verdict({"detail": {"absent": [{"anything-but": "x"}]}}, event) is False


def test_numeric_ranges_and_equality_on_json_numbers(verdict):
    """eb-event-patterns-content-based-filtering.html, "Numeric matching": the page's
    pattern ("c-count" > 0 and <= 5, "d-count" < 10, "x-limit" = 3.018e2) matches only
    when all hold; numeric matching "works with values that are JSON numbers"."""
    pattern = {"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}], "d-count": [{"numeric": ["<", 10]}],
                          "x-limit": [{"numeric": ["=", 3.018e2]}]}}
    assert verdict(pattern, with_detail(**{"c-count": 5, "d-count": 9.5, "x-limit": 301.8})) is True
    assert verdict(pattern, with_detail(**{"c-count": 0, "d-count": 9.5, "x-limit": 301.8})) is False
    assert verdict(pattern, with_detail(**{"c-count": "5", "d-count": 9.5, "x-limit": 301.8})) is False
    assert verdict({"detail": {"n": [{"numeric": [">=", -3, "<", 2.5]}]}}, with_detail(n=1)) is True  # 1 vs 2.5


def test_cidr_matches_ipv4_and_ipv6_addresses(verdict):
    """eb-event-patterns-content-based-filtering.html, "IP address matching": "You can use IP
    address matching for IPv4 and IPv6 addresses" ({"cidr": "10.0.0.0/24"})."""
    assert verdict({"detail": {"ip": [{"cidr": "10.0.0.0/24"}]}}, with_detail(ip="10.0.0.24")) is True
    assert verdict({"detail": {"ip": [{"cidr": "10.0.0.0/24"}]}}, with_detail(ip="10.0.1.24")) is False
    assert verdict({"detail": {"ip": [{"cidr": "2001:db8::/64"}]}}, with_detail(ip="2001:db8::1")) is True


def test_exists_works_on_leaf_nodes_only(verdict):
    """eb-event-patterns-content-based-filtering.html, "Exists matching": {"exists": false}
    on detail.c-count matches an event without it, and also one where "c-count" holds an
    object, "because c-count isn't a leaf node"."""
    pattern = {"detail": {"c-count": [{"exists": False}]}}
    assert verdict(pattern, with_detail(state="running")) is True
    assert verdict(pattern, with_detail(**{"c-count": {"c1": 100}})) is True
    assert verdict(pattern, with_detail(**{"c-count": 3})) is False
    assert verdict({"detail": {"c-count": [{"exists": True}]}}, with_detail(**{"c-count": 3})) is True


def test_wildcard_with_an_escaped_star(verdict):
    """eb-create-pattern-operators.html, "Wildcard" ({"wildcard": "dir/*.png"}); a backslash
    escapes a literal *."""
    event = with_detail(Key="dir/dir/dir/dir/dir/doc.png", Name="a*b")
    assert verdict({"detail": {"Key": [{"wildcard": "dir/*.png"}]}}, event) is True
    assert verdict({"detail": {"Key": [{"wildcard": "dir/*.txt"}]}}, event) is False
    assert verdict({"detail": {"Name": [{"wildcard": "a\\*b"}]}}, event) is True
    assert verdict({"detail": {"Name": [{"wildcard": "a\\*b"}]}}, with_detail(Name="axb")) is False


def test_or_matches_when_any_alternative_does(verdict):
    """eb-create-pattern-operators.html, "Or (multiple fields)": {"$or": [{"Location":
    ["New York"]}, {"Day": ["Monday"]}]}."""
    pattern = {"detail": {"$or": [{"Location": ["New York"]}, {"Day": ["Monday"]}]}}
    assert verdict(pattern, with_detail(Location="Paris", Day="Monday")) is True
    assert verdict(pattern, with_detail(Location="Paris", Day="Tuesday")) is False


@pytest.mark.parametrize("pattern, reason", [
    ({"detail": {"state": "running"}}, '"state" must be an object or an array'),
    ({"source": ["aws.ec2"], "detail": {}}, "Empty objects are not allowed"),
    ({"source": []}, "Empty arrays are not allowed"),
    ({"source": [{"begins-with": "aws"}]}, "Unrecognized match type begins-with"),
    ({"x": [{"numeric": [">", "one"]}]}, "Value of > must be numeric"),
    ({"x": [{"exists": "yes"}]}, "exists match pattern must be either true or false."),
    ({"$or": [{"source": ["a"]}]}, "There must have at least 2 Objects in $or relationship."),
])
def test_an_invalid_pattern_is_invalid_event_pattern_exception(fresh_account, pattern, reason):
    """API_TestEventPattern.html and API_PutRule.html list InvalidEventPatternException ("The
    event pattern is not valid."); eb-create-pattern.html: "the value to match is in a JSON
    array". The text AWS gives starts "Event pattern is not valid. Reason: " and names the
    field (""slug" must be an object or an array", "Empty objects are not allowed", as
    reported from AWS); the embedded AWS leaves out the parser position AWS appends."""
    events = fresh_account.client("events")
    expected = ("InvalidEventPatternException", f"Event pattern is not valid. Reason: {reason}")
    assert refusal(lambda: events.test_event_pattern(EventPattern=json.dumps(pattern),
                                                     Event=json.dumps(EVENT))) == expected
    assert refusal(lambda: events.put_rule(Name="bad", EventPattern=json.dumps(pattern))) == expected
    assert [r["Name"] for r in events.list_rules()["Rules"]] == []


def test_the_event_must_carry_the_mandatory_envelope_fields(fresh_account):
    """API_TestEventPattern.html, Event: "the following fields are mandatory: id, account,
    source, time, region, resources, detail-type". Error: ValidationException "Parameter
    Event is not valid." (what AWS answers, as users report it; not in the botocore model)."""
    events = fresh_account.client("events")
    pattern = json.dumps({"source": ["aws.ec2"]})
    for field in ("id", "account", "source", "time", "region", "resources", "detail-type"):
        partial = {k: v for k, v in EVENT.items() if k != field}
        code, message = refusal(lambda: events.test_event_pattern(EventPattern=pattern, Event=json.dumps(partial)))
        assert code == "ValidationException" and message.startswith("Parameter Event is not valid.")
        assert field in message
    code, message = refusal(lambda: events.test_event_pattern(EventPattern=pattern, Event="[1]"))
    assert (code, message) == ("ValidationException", "Parameter Event is not valid.")


def test_put_events_reaches_only_the_rules_whose_pattern_matches(fresh_account):
    """eb-event-patterns.html: "Rules use event patterns to select events and route them to
    targets." A rule with content filters (numeric, anything-but, prefix) receives the event
    that matches and not the one that does not; read back from its SQS target."""
    events, sqs = fresh_account.client("events"), fresh_account.client("sqs")
    url = sqs.create_queue(QueueName="big-orders")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    pattern = {"source": [{"prefix": "shop."}],
               "detail": {"total": [{"numeric": [">=", 100]}], "status": [{"anything-but": ["test", "void"]}],
                          "items": {"sku": [{"wildcard": "BK-*"}]}}}
    events.put_rule(Name="big-orders", EventPattern=json.dumps(pattern))
    events.put_targets(Rule="big-orders", Targets=[{"Id": "queue", "Arn": arn}])

    def order(order_id: str, **detail) -> dict:
        return {"Source": "shop.orders", "DetailType": "OrderPlaced", "Detail": json.dumps({"id": order_id, **detail})}

    events.put_events(Entries=[
        order("matches", total=120, status="paid", items=[{"sku": "CD-1"}, {"sku": "BK-7"}]),
        order("too-small", total=99.5, status="paid", items=[{"sku": "BK-1"}]),
        order("void", total=500, status="void", items=[{"sku": "BK-1"}]),
        order("no-book", total=500, status="paid", items=[{"sku": "CD-1"}]),
    ])
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(m["Body"])["detail"]["id"] for m in received] == ["matches"]
