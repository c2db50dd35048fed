"""A rule's event pattern on one line, for the panel's expression column."""

from __future__ import annotations

import json

from console.services.events.models import summarize_pattern


def test_source_and_detail_type_read_as_the_issue_shows_them():
    pattern = {"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]}
    assert summarize_pattern(json.dumps(pattern)) == \
        'source=aws.ec2 detail-type="EC2 Instance State-change Notification"'


def test_nested_fields_alternatives_and_operators():
    pattern = {"detail": {"state": ["stopped", "terminated"], "size": [{"numeric": [">", 0, "<=", 5]}],
                          "key": [{"prefix": "prod-"}], "tag": [{"exists": True}],
                          "env": [{"anything-but": ["dev", "test"]}]}}
    assert summarize_pattern(json.dumps(pattern)) == (
        "detail.state=stopped|terminated detail.size=numeric:>0,<=5 detail.key=prefix:prod- "
        "detail.tag=exists:true detail.env=anything-but:dev|test")


def test_text_that_is_not_a_json_object_is_shown_as_it_is():
    assert summarize_pattern("not json [/]") == "not json [/]"
