"""Behaviour moto 5.2.5 lacks, patched onto its own backends inside the server process.

Each module has an idempotent ``install()``; they are written against exactly the
moto version pinned in pyproject.toml.
"""

from __future__ import annotations


def install_all() -> None:
    from . import cloudwatch_index, ecs_deployments_api, ecs_metrics, ecs_run_task, ecs_tasks, lambda_invoke
    from . import lambda_updates, logs_streams, overhead, page_limits, pagination, sfn_abort, sfn_express
    from . import events_patterns, lambda_logging, logs_events, logs_live_tail
    from . import sfn_history, sfn_lambda, sfn_metrics, sfn_redrive, sfn_sleeps, sfn_stop, sso_portal, sts_expiry
    from . import events_firing, events_rules, scheduler_schedules

    # ecs_run_task after ecs_tasks: it wraps the handlers ecs_tasks put in place
    # page_limits last: it guards the handlers the others (pagination, cloudwatch_index) put in place
    for module in (overhead, lambda_invoke, lambda_updates, lambda_logging, sfn_lambda, sfn_abort, sfn_sleeps,
                   sfn_express, sfn_metrics, sfn_history, sfn_stop, sfn_redrive, ecs_tasks, ecs_deployments_api,
                   ecs_run_task, ecs_metrics, cloudwatch_index, logs_streams, logs_events, logs_live_tail, pagination, sts_expiry,
                   sso_portal, events_rules, scheduler_schedules, events_firing, page_limits):
        module.install()
    events_patterns.install()  # TestEventPattern, PutRule patterns, PutEvents routing; order-free
