"""The fault proxy itself: what it injects is what AWS sends, in each wire protocol, so
botocore classifies it the way it classifies the real thing."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError

from console.aws.errors import ErrorClass, classify
from console.demo.faultproxy import FaultProxy

NO_RETRY = Config(retries={"mode": "standard", "total_max_attempts": 1}, read_timeout=2, connect_timeout=2)

# one read call per wire protocol the console's services speak
CALLS = {
    "lambda": ("rest-json", lambda c: c.list_functions()),
    "events": ("json", lambda c: c.list_event_buses()),
    "sts": ("query", lambda c: c.get_caller_identity()),
    "cloudwatch": ("rpc-v2-cbor", lambda c: c.list_metrics(Namespace="AWS/Lambda")),
}


@pytest.fixture
def proxy(endpoint):
    with FaultProxy(endpoint, seed=7) as running:
        yield running


def client(proxy: FaultProxy, service: str):
    return boto3.client(service, endpoint_url=proxy.endpoint, region_name="us-east-1", config=NO_RETRY)


@pytest.mark.parametrize("service", sorted(CALLS))
def test_throttles_and_500s_parse_as_aws_errors_in_every_protocol(proxy, service):
    protocol, call = CALLS[service]
    c = client(proxy, service)
    call(c)  # untouched: forwarded to the embedded server
    proxy.set(throttle=1.0)
    with pytest.raises(ClientError) as throttled:
        call(c)
    assert classify(throttled.value) is ErrorClass.THROTTLED, (protocol, throttled.value.response)
    assert throttled.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    proxy.set(error=1.0)
    with pytest.raises(ClientError) as failed:
        call(c)
    assert failed.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert failed.value.response["Error"]["Code"] == "InternalFailure", (protocol, failed.value.response)
    proxy.off()
    call(c)
    assert [r.fault for r in proxy.records] == [None, "throttle", "error", None]
    assert proxy.count(service, fault="throttle") == 1


def test_dropped_connections_and_stalls_look_like_network_failures(proxy):
    c = client(proxy, "lambda")
    proxy.set(drop=1.0)
    with pytest.raises((ConnectionClosedError, EndpointConnectionError)) as dropped:
        c.list_functions()
    assert classify(dropped.value) is ErrorClass.NETWORK
    proxy.set(stall=1.0, stall_seconds=5)  # longer than the client's 2 s read timeout
    with pytest.raises(Exception) as stalled:
        c.list_functions()
    assert classify(stalled.value) is ErrorClass.NETWORK
    proxy.set(stall=1.0, stall_seconds=0.2)  # shorter: the answer arrives, late
    assert "Functions" in c.list_functions()
    proxy.off()


def test_shares_are_deterministic_and_limited_to_chosen_services(endpoint):
    def run(seed: int) -> list:
        with FaultProxy(endpoint, seed=seed) as p:
            p.set(throttle=0.3, error=0.2, services={"events"})
            events, lam = client(p, "events"), client(p, "lambda")
            for _ in range(20):
                try:
                    events.list_event_buses()
                except ClientError:
                    pass
                lam.list_functions()
            return [r.fault for r in p.records if r.service == "events"], p.count("lambda", fault=None)

    first, lambda_untouched = run(3)
    assert first == run(3)[0]  # same seed, same faults
    assert lambda_untouched == 20
    assert 0 < first.count("throttle") < 20 and 0 < first.count("error") < 20


def test_rates_can_be_changed_over_http(proxy):
    import json
    import urllib.request

    def post(path: str, body: dict) -> dict:
        request = urllib.request.Request(proxy.endpoint + path, data=json.dumps(body).encode(), method="POST")
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read())

    assert post("/_faultproxy/set", {"throttle": 1.0, "services": ["sts"]})["throttle"] == 1.0
    with pytest.raises(ClientError):
        client(proxy, "sts").get_caller_identity()
    post("/_faultproxy/off", {})
    assert client(proxy, "sts").get_caller_identity()["Account"]
