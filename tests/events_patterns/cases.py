"""One event and a table of (name, pattern, expected match) over it, shared by
the console's matcher and the embedded AWS's TestEventPattern (test_agreement.py).

Each row's expectation comes from the EventBridge user guide (the page named in the
comment above its group) or, where it is silent, from the reading both matchers document
(console/services/events/patterns.py).
"""

from __future__ import annotations

from typing import Any

ENVELOPE: dict[str, Any] = {
    "version": "0",
    "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "111122223333",
    "time": "2017-12-22T18:43:48Z",
    "region": "us-west-1",
    "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
    "detail": {
        "instance-id": "i-1234567890abcdef0",
        "state": "terminated",
        "c-count": 5,
        "x-limit": 301.8,
        "flag": True,
        "nothing": None,
        "empty": "",
        "source-ip": "10.0.0.33",
        "ipv6": "2001:db8::ff00:42:8329",
        "file": "photos/Cat.PNG",
        "path": "/usr/lib/a*b",
        "tags": ["blue", "green"],
        "no-tags": [],
        "config": {"c1": 100},
        "employees": [
            {"firstName": "John", "lastName": "Doe"},
            {"firstName": "Anna", "lastName": "Smith"},
        ],
        "matrix": [[1, 2], [3, 4]],
        "crew": [{"name": "Ada", "role": "pilot"}, {"name": "Bob"}],
    },
}


def detail(pattern: dict[str, Any]) -> dict[str, Any]:
    return {"detail": pattern}


CASES: list[tuple[str, dict[str, Any], bool]] = [
    # eb-create-pattern.html: exact values, AND across fields, any value of the array
    ("exact source", {"source": ["aws.ec2"]}, True),
    ("exact source other", {"source": ["aws.s3"]}, False),
    ("any of two values", {"source": ["aws.s3", "aws.ec2"]}, True),
    ("and across fields", {"source": ["aws.ec2"], "detail-type": ["nope"]}, False),
    ("nested exact", detail({"state": ["terminated"]}), True),
    ("case matters", detail({"state": ["Terminated"]}), False),
    ("number exact", detail({"c-count": [5]}), True),
    ("number by value", detail({"c-count": [5.0]}), True),
    ("number is not a string", detail({"c-count": ["5"]}), False),
    ("boolean exact", detail({"flag": [True]}), True),
    ("boolean is not 1", detail({"flag": [1]}), False),
    ("missing field", detail({"absent": ["x"]}), False),
    # eb-event-patterns-null-values.html
    ("null matches null", detail({"nothing": [None]}), True),
    ("null does not match missing", detail({"absent": [None]}), False),
    ("empty string", detail({"empty": [""]}), True),
    ("empty string is not null", detail({"nothing": [""]}), False),
    # eb-event-patterns-arrays.html: event arrays, arrays of objects
    ("resources intersect", {"resources": ["x", ENVELOPE["resources"][0]]}, True),
    ("event array any element", detail({"tags": ["green"]}), True),
    ("event array no element", detail({"tags": ["red"]}), False),
    ("array of objects one element", detail({"employees": {"firstName": ["Anna"], "lastName": ["Smith"]}}), True),
    ("array of objects across elements", detail({"employees": {"firstName": ["Anna"], "lastName": ["Doe"]}}), False),
    ("nested arrays flatten", detail({"matrix": [4]}), True),
    # content filtering: prefix, suffix, equals-ignore-case
    ("prefix", {"time": [{"prefix": "2017-12-22"}]}, True),
    ("prefix no", {"time": [{"prefix": "2018"}]}, False),
    ("prefix ignore case", detail({"file": [{"prefix": {"equals-ignore-case": "PHOTOS/cat"}}]}), True),
    ("prefix on a number", detail({"c-count": [{"prefix": "5"}]}), False),
    ("suffix", detail({"file": [{"suffix": ".PNG"}]}), True),
    ("suffix case matters", detail({"file": [{"suffix": ".png"}]}), False),
    ("suffix ignore case", detail({"file": [{"suffix": {"equals-ignore-case": ".png"}}]}), True),
    ("equals-ignore-case", detail({"state": [{"equals-ignore-case": "TERMINATED"}]}), True),
    ("equals-ignore-case no", detail({"state": [{"equals-ignore-case": "TERMINATE"}]}), False),
    # anything-but
    ("anything-but string", detail({"state": [{"anything-but": "initializing"}]}), True),
    ("anything-but same string", detail({"state": [{"anything-but": "terminated"}]}), False),
    ("anything-but number", detail({"c-count": [{"anything-but": 5}]}), False),
    ("anything-but list", detail({"state": [{"anything-but": ["stopped", "overloaded"]}]}), True),
    ("anything-but number list", detail({"c-count": [{"anything-but": [100, 200, 300]}]}), True),
    ("anything-but prefix", detail({"state": [{"anything-but": {"prefix": "term"}}]}), False),
    ("anything-but suffix", detail({"file": [{"anything-but": {"suffix": ".png"}}]}), True),
    ("anything-but ignore case", detail({"state": [{"anything-but": {"equals-ignore-case": "TERMINATED"}}]}), False),
    ("anything-but wildcard", detail({"path": [{"anything-but": {"wildcard": "*/lib/*"}}]}), False),
    ("anything-but missing field", detail({"absent": [{"anything-but": "x"}]}), False),
    ("anything-but array element", detail({"tags": [{"anything-but": "blue"}]}), True),
    # numeric
    ("numeric range", detail({"c-count": [{"numeric": [">", 0, "<=", 5]}]}), True),
    ("numeric open top", detail({"c-count": [{"numeric": [">", 0, "<", 5]}]}), False),
    ("numeric equals", detail({"x-limit": [{"numeric": ["=", 3.018e2]}]}), True),
    ("numeric less", detail({"c-count": [{"numeric": ["<", 10]}]}), True),
    ("numeric on a string", detail({"state": [{"numeric": [">", 0]}]}), False),
    ("numeric on a boolean", detail({"flag": [{"numeric": [">=", 1]}]}), False),
    # cidr
    ("cidr v4", detail({"source-ip": [{"cidr": "10.0.0.0/24"}]}), True),
    ("cidr v4 outside", detail({"source-ip": [{"cidr": "10.0.1.0/24"}]}), False),
    ("cidr v6", detail({"ipv6": [{"cidr": "2001:db8::/32"}]}), True),
    ("cidr v4 against v6", detail({"ipv6": [{"cidr": "10.0.0.0/8"}]}), False),
    # exists
    ("exists true", detail({"state": [{"exists": True}]}), True),
    ("exists false present", detail({"state": [{"exists": False}]}), False),
    ("exists false absent", detail({"c-count-2": [{"exists": False}]}), True),
    ("exists false on an object", detail({"config": [{"exists": False}]}), True),
    ("exists true on an object", detail({"config": [{"exists": True}]}), False),
    ("exists on null", detail({"nothing": [{"exists": True}]}), True),
    ("exists on empty array", detail({"no-tags": [{"exists": True}]}), False),
    ("exists false in no element", detail({"employees": {"middle": [{"exists": False}]}}), True),
    ("exists false in one element only", detail({"crew": {"role": [{"exists": False}]}}), False),
    ("exists false beside a field", detail({"crew": {"name": ["Bob"], "role": [{"exists": False}]}}), False),
    ("exists true in one element", detail({"crew": {"name": ["Ada"], "role": [{"exists": True}]}}), True),
    # wildcard
    ("wildcard", {"source": [{"wildcard": "aws.*2"}]}, True),
    ("wildcard no", {"source": [{"wildcard": "aws.*3"}]}, False),
    ("wildcard escaped star", detail({"path": [{"wildcard": "/usr/*/a\\*b"}]}), True),
    ("wildcard escaped star literal", detail({"state": [{"wildcard": "term\\*"}]}), False),
    # $or
    ("or one branch", {"$or": [{"source": ["aws.s3"]}, {"detail": {"c-count": [5]}}]}, True),
    ("or no branch", {"$or": [{"source": ["aws.s3"]}, {"detail": {"c-count": [6]}}]}, False),
    ("or nested", detail({"$or": [{"state": ["x"]}, {"flag": [True], "$or": [{"c-count": [1]}, {"empty": [""]}]}]}),
     True),
    ("or and field", {"source": ["aws.s3"], "$or": [{"region": ["us-west-1"]}, {"account": ["1"]}]}, False),
]
