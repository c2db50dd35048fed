"""A function's LoggingConfig, as Lambda keeps it (moto 5.2.5 drops it).

AWS Lambda API reference, LoggingConfig (https://docs.aws.amazon.com/lambda/latest/api/API_LoggingConfig.html)
and "Configuring CloudWatch log groups"
(https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html):
CreateFunction and UpdateFunctionConfiguration take a LoggingConfig (LogFormat Text|JSON,
LogGroup, ApplicationLogLevel, SystemLogLevel); the function's configuration (GetFunction,
GetFunctionConfiguration, ListFunctions) returns it, its LogGroup being
/aws/lambda/<function name> unless another group was named, LogFormat Text unless JSON was.
An update changes the fields it names and keeps the others; published versions keep the
configuration they were published with.
"""

from __future__ import annotations

from typing import Any

ATTRIBUTE = "_opsdeck_logging_config"
FIELDS = ("LogFormat", "ApplicationLogLevel", "SystemLogLevel", "LogGroup")
_installed = False


def logging_config(fn: Any) -> dict[str, str]:
    """The LoggingConfig a function's configuration shows."""
    stored = getattr(fn, ATTRIBUTE, None) or {}
    config = {"LogFormat": stored.get("LogFormat") or "Text",
              "LogGroup": stored.get("LogGroup") or f"/aws/lambda/{fn.function_name}"}
    if config["LogFormat"] == "JSON":  # the level filters apply to JSON logs only
        for key in ("ApplicationLogLevel", "SystemLogLevel"):
            if stored.get(key):
                config[key] = stored[key]
    return config


def install() -> None:
    global _installed
    if _installed:
        return
    from moto.awslambda.models import LambdaFunction

    original_init = LambdaFunction.__init__
    original_configuration = LambdaFunction.get_configuration
    original_update = LambdaFunction.update_configuration

    def init(self, account_id, spec, *args: Any, **kwargs: Any) -> None:  # type: ignore[no-untyped-def]
        original_init(self, account_id, spec, *args, **kwargs)
        given = spec.get("LoggingConfig") or {}
        setattr(self, ATTRIBUTE, {key: given[key] for key in FIELDS if given.get(key)})

    def get_configuration(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        config = original_configuration(self, *args, **kwargs)
        config["LoggingConfig"] = logging_config(self)
        return config

    def update_configuration(self, config_updates):  # type: ignore[no-untyped-def]
        given = config_updates.get("LoggingConfig")
        if given:
            stored = dict(getattr(self, ATTRIBUTE, None) or {})
            stored.update({key: given[key] for key in FIELDS if given.get(key)})
            setattr(self, ATTRIBUTE, stored)
        return original_update(self, config_updates)

    LambdaFunction.__init__ = init
    LambdaFunction.get_configuration = get_configuration
    LambdaFunction.update_configuration = update_configuration
    _installed = True
