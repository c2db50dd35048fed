"""Step Functions Retry intervals are scaled down, histories unchanged."""

from __future__ import annotations

import io
import json
import time
import zipfile

import boto3



def _client(aws, service):
    return boto3.client(service, endpoint_url=aws.endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def test_retries_run_and_fail_without_real_sleeps(aws):
    iam, lam, sfn = (_client(aws, s) for s in ("iam", "lambda", "stepfunctions"))
    role = iam.create_role(RoleName="sfn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("h.py", "def h(e, c):\n    return e\n")
    fn = lam.create_function(FunctionName="charge", Runtime="python3.12", Role=role, Handler="h.h",
                             Code={"ZipFile": buf.getvalue()})["FunctionArn"]
    definition = {
        "StartAt": "Charge",
        "States": {"Charge": {
            "Type": "Task", "Resource": fn, "End": True,
            "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2}],
        }},
    }
    sm = sfn.create_state_machine(name="retry", definition=json.dumps(definition), roleArn=role)["stateMachineArn"]
    arn = sfn.start_execution(stateMachineArn=sm, name="e1",
                              input=json.dumps({"__opsdeck_fail__": "card declined"}))["executionArn"]
    for _ in range(600):  # unscaled this would sleep 2+4+8 s; poll until done
        status = sfn.describe_execution(executionArn=arn)["status"]
        if status != "RUNNING":
            break
        time.sleep(0.1)
    assert status == "FAILED"
    events = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
    types = [e["type"] for e in events]
    assert types.count("LambdaFunctionScheduled") == 4  # first attempt + 3 retries
    assert types.count("LambdaFunctionFailed") == 4
    assert types[-1] == "ExecutionFailed"
