"""Access denied on demand answers in each protocol's own error format, as AWS does."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from console.aws.errors import ErrorClass, classify
from console.demo import control

CALLS = [
    ("sts", "GetCallerIdentity", lambda c: c.get_caller_identity()),  # query
    ("lambda", "ListFunctions", lambda c: c.list_functions()),  # rest-json
    ("ecs", "ListClusters", lambda c: c.list_clusters()),  # json
    ("cloudwatch", "ListMetrics", lambda c: c.list_metrics()),  # smithy-rpc-v2-cbor
]


@pytest.mark.parametrize("service,operation,call", CALLS, ids=[c[0] for c in CALLS])
def test_denied_calls_fail_like_aws(fresh_account, service, operation, call):
    client = fresh_account.client(service)
    call(client)  # allowed before
    control.deny(fresh_account.endpoint, fresh_account.access_key, service, operation)
    try:
        with pytest.raises(ClientError) as raised:
            call(client)
        assert classify(raised.value) is ErrorClass.ACCESS_DENIED
        assert f"{service}:{operation}" in raised.value.response["Error"]["Message"]
        # Only that key is refused: the default credentials still work.
        call(__import__("boto3").client(service, endpoint_url=fresh_account.endpoint, region_name="us-east-1"))
    finally:
        control.clear_denials(fresh_account.endpoint)
    call(client)
