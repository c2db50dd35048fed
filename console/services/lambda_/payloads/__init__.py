"""Payloads for Lambda invoke: templates of real event shapes, and the user's saved ones.

Templates are JSON files next to this module, loaded by name (`template_names`,
`template_text`). They follow the shapes AWS sends (a test validates each against
aws-lambda-powertools' parser models). Saved payloads live per function in the state
directory: state_dir()/payloads/<function>/<name>.json (`save_payload`,
`saved_payloads`, `load_saved`).
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

# template name -> what it is (the order is the order shown to the user)
TEMPLATES: dict[str, str] = {
    "apigw-http-v2": "API Gateway HTTP API (payload format 2.0)",
    "apigw-rest": "API Gateway REST API (v1 proxy integration)",
    "s3-put": "S3 ObjectCreated:Put notification",
    "sqs-batch": "SQS batch of two messages",
    "sns": "SNS notification",
    "eventbridge-scheduled": "EventBridge scheduled event",
    "dynamodb-stream": "DynamoDB stream (INSERT and MODIFY)",
}

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


class UnknownTemplate(KeyError):
    """No template by that name."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(name)

    def __str__(self) -> str:
        return f"no payload template {self.name!r}; templates: {', '.join(TEMPLATES)}"


def template_names() -> list[str]:
    return list(TEMPLATES)


def template_text(name: str) -> str:
    """The template's JSON text, as stored (pretty-printed)."""
    if name not in TEMPLATES:
        raise UnknownTemplate(name)
    return resources.files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8")


# saved payloads ----------------------------------------------------------------------------------
def _function_dir_name(function: str) -> str:
    """The function's name (from a name or an ARN, without a qualifier), safe as a directory name."""
    name = function.split(":function:")[-1] if function.startswith("arn:") else function
    name = name.split(":")[0]
    if not _NAME.fullmatch(name) or name in (".", ".."):
        raise ValueError(f"not a function name: {function!r}")
    return name


def _check_name(name: str) -> str:
    if not _NAME.fullmatch(name) or set(name) == {"."}:
        raise ValueError(f"payload name {name!r}: use letters, digits, '.', '_' or '-' (at most 128)")
    return name


def payloads_dir(function: str) -> Path:
    from console.config import state_dir

    return state_dir() / "payloads" / _function_dir_name(function)


def save_payload(function: str, name: str, text: str) -> Path:
    """Store `text` (which must be valid JSON: PayloadError otherwise) as `name` for `function`."""
    from console.services.lambda_.invoke import parse_payload

    parse_payload(text)
    _check_name(name)
    directory = payloads_dir(function)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json"
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    return path


def saved_payloads(function: str) -> dict[str, str]:
    """{name: JSON text} of the payloads saved for `function`, by name."""
    directory = payloads_dir(function)
    if not directory.is_dir():
        return {}
    return {path.stem: path.read_text(encoding="utf-8")
            for path in sorted(directory.glob("*.json")) if _NAME.fullmatch(path.stem)}


def load_saved(function: str, name: str) -> str:
    """The saved payload's text; KeyError when there is none by that name."""
    path = payloads_dir(function) / f"{_check_name(name)}.json"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KeyError(f"no saved payload {name!r} for {function}") from None
