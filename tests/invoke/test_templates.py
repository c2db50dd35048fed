"""Every payload template is a real event shape (aws-lambda-powertools' parser models), and
saved payloads round-trip through the state directory."""

from __future__ import annotations

import json

import pytest
from aws_lambda_powertools.utilities.parser import models

from console.services.lambda_.invoke import PayloadError
from console.services.lambda_.payloads import (
    TEMPLATES,
    UnknownTemplate,
    load_saved,
    payloads_dir,
    save_payload,
    saved_payloads,
    template_names,
    template_text,
)

MODELS = {
    "apigw-http-v2": models.APIGatewayProxyEventV2Model,
    "apigw-rest": models.APIGatewayProxyEventModel,
    "s3-put": models.S3Model,
    "sqs-batch": models.SqsModel,
    "sns": models.SnsModel,
    "eventbridge-scheduled": models.EventBridgeModel,
    "dynamodb-stream": models.DynamoDBStreamModel,
}


def test_every_event_shape_has_a_template():
    assert set(template_names()) == set(MODELS) == set(TEMPLATES)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_template_validates_against_powertools_model(name):
    event = MODELS[name].model_validate(json.loads(template_text(name)))
    assert event is not None


def test_template_specifics():
    """The shapes are the ones named, not merely valid: an S3 *put*, a *scheduled* event, a batch."""
    s3 = models.S3Model.model_validate_json(template_text("s3-put"))
    assert s3.Records[0].eventName == "ObjectCreated:Put"
    scheduled = models.EventBridgeModel.model_validate_json(template_text("eventbridge-scheduled"))
    assert scheduled.detail_type == "Scheduled Event" and scheduled.source == "aws.events"
    assert len(models.SqsModel.model_validate_json(template_text("sqs-batch")).Records) >= 2
    assert models.APIGatewayProxyEventV2Model.model_validate_json(template_text("apigw-http-v2")).version == "2.0"


def test_unknown_template():
    with pytest.raises(UnknownTemplate, match="no payload template 'nope'"):
        template_text("nope")


def test_saved_payloads_live_in_the_state_dir(tmp_path):
    path = save_payload("validate-order", "big-order", '{"orderId": "o-9"}')
    assert path == tmp_path / "state" / "payloads" / "validate-order" / "big-order.json"
    save_payload("arn:aws:lambda:us-east-1:123456789012:function:validate-order:live", "empty", "{}")
    assert saved_payloads("validate-order") == {"big-order": '{"orderId": "o-9"}', "empty": "{}"}
    assert load_saved("validate-order", "empty") == "{}"
    assert saved_payloads("process-payment") == {}
    with pytest.raises(KeyError):
        load_saved("validate-order", "missing")


def test_saving_refuses_bad_json_and_unsafe_names():
    with pytest.raises(PayloadError):
        save_payload("validate-order", "broken", '{"a": }')
    for name in ("../escape", "a/b", "", ".."):
        with pytest.raises(ValueError):
            save_payload("validate-order", name, "{}")
    assert not payloads_dir("validate-order").exists()
