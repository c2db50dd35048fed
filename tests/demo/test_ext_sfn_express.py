"""EXPRESS executions are not kept for ever: the embedded AWS holds the newest finished ones."""

from __future__ import annotations

import json
import time

import boto3

from console.demo.extensions.sfn_express import KEEP_FINISHED


def _client(aws, service):
    return boto3.client(service, endpoint_url=aws.endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def test_an_express_machine_keeps_only_its_newest_finished_executions(aws):
    sfn = _client(aws, "stepfunctions")
    definition = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    role = "arn:aws:iam::123456789012:role/sfn"
    express = sfn.create_state_machine(name="keep-express", definition=json.dumps(definition), roleArn=role,
                                       type="EXPRESS")["stateMachineArn"]
    standard = sfn.create_state_machine(name="keep-standard", definition=json.dumps(definition),
                                        roleArn=role)["stateMachineArn"]
    total = KEEP_FINISHED + 5
    arns = []
    for i in range(total):
        arns.append(sfn.start_execution(stateMachineArn=express, name=f"e-{i:03d}", input="{}")["executionArn"])
        sfn.start_execution(stateMachineArn=standard, name=f"s-{i:03d}", input="{}")
        time.sleep(0.005)  # let each finish: only finished executions are dropped
    sfn.start_execution(stateMachineArn=express, name="last", input="{}")

    gone = sfn.exceptions.ExecutionDoesNotExist
    try:
        sfn.describe_execution(executionArn=arns[0])
        kept_first = True
    except gone:
        kept_first = False
    assert not kept_first
    assert sfn.describe_execution(executionArn=arns[-1])["name"] == f"e-{total - 1:03d}"
    # STANDARD executions are all kept, as AWS keeps their history
    executions = [e for p in sfn.get_paginator("list_executions").paginate(stateMachineArn=standard)
                  for e in p["executions"]]
    assert len(executions) == total
