"""A tiny handler: the source the read-only proof aims `lambda.deploy` at (console.services.lambda_.deploy.EXAMPLE_SOURCE)."""

import json


def handler(event, context):
    print(json.dumps({"level": "INFO", "msg": "example handler called"}))
    return event
