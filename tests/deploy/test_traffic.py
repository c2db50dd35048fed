"""control.lambda_traffic: exact per-version traffic for a test's own function, failures honoured."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


def test_traffic_follows_weights_and_injected_failures(functions):
    name = functions.create()
    lam = functions.lam
    lam.update_function_code(FunctionName=name, ZipFile=b"PK\x05\x06" + b"\0" * 18)
    lam.publish_version(FunctionName=name)
    lam.update_alias(FunctionName=name, Name="live", FunctionVersion="1",
                     RoutingConfig={"AdditionalVersionWeights": {"2": 0.3}})
    functions.fail(name, "2")
    # CloudWatch Logs refuses events far from real time, so this test (only) writes near it
    now = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=5)
    assert functions.traffic(name, now, 10) == {"1": (7, 0), "2": (3, 3)}
    cw = functions.account.client("cloudwatch")
    dims = [{"Name": "FunctionName", "Value": name}, {"Name": "Resource", "Value": f"{name}:live"},
            {"Name": "ExecutedVersion", "Value": "2"}]
    figures = cw.get_metric_data(MetricDataQueries=[
        {"Id": m.lower(), "MetricStat": {"Metric": {"Namespace": "AWS/Lambda", "MetricName": m, "Dimensions": dims},
                                         "Period": 60, "Stat": "Sum"}} for m in ("Invocations", "Errors")],
        StartTime=now - timedelta(minutes=1), EndTime=now + timedelta(minutes=1))["MetricDataResults"]
    assert {r["Id"]: sum(r["Values"]) for r in figures} == {"invocations": 3.0, "errors": 3.0}
    logs = functions.account.client("logs")
    lines = [e["message"] for e in logs.filter_log_events(logGroupName=f"/aws/lambda/{name}")["events"]]
    assert sum(line.startswith("START RequestId:") and line.endswith("Version: 2") for line in lines) == 3
    assert sum("boom" in line for line in lines) == 3  # every invocation of the failing version errs
