"""Behaviour moto 5.2.5 lacks, patched onto its own backends inside the server process.

Each module has an idempotent ``install()``; they are written against exactly the
moto version pinned in pyproject.toml.
"""

from __future__ import annotations


def install_all() -> None:
    from . import cloudwatch_index, ecs_tasks, lambda_invoke, overhead, pagination, sfn_sleeps, sso_portal
    from . import lambda_updates, logs_streams, page_limits, sfn_express, sfn_history, sfn_lambda, sfn_metrics
    from . import sfn_redrive, sfn_stop, sts_expiry

    # page_limits last: it guards the handlers the others (pagination, cloudwatch_index) put in place
    for module in (overhead, lambda_invoke, lambda_updates, sfn_lambda, sfn_sleeps, sfn_express, sfn_metrics,
                   sfn_history, sfn_stop, sfn_redrive, ecs_tasks, cloudwatch_index, logs_streams, pagination, sts_expiry,
                   sso_portal, page_limits):
        module.install()
