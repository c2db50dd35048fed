"""Seed the embedded AWS with the estate an order-processing shop's on-call owns.

Runs in the server's process right after the server starts, through the
public API (boto3), so what the console later reads is what moto would
return for resources created the ordinary way. Deterministic: every random
figure comes from one seeded `random.Random`; timestamps are relative to `now`.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from console.demo import control, estate as E
from console.demo.estate import Clients

_ASSUME_LAMBDA = {"Service": "lambda.amazonaws.com"}
_ASSUME_SFN = {"Service": "states.amazonaws.com"}
_ASSUME_EVENTS = {"Service": ["events.amazonaws.com", "scheduler.amazonaws.com"]}
BULK_BATCH = "batch-bulk-restock"
BULK_ITEMS = 90  # 12 history events an item: over 1,000 in all


def seed_estate(
    endpoint: str,
    size: str = "small",
    account: str | None = None,
    *,
    now: datetime | None = None,
) -> None:
    """Create the demo estate: "none" nothing, "small" the estate, "large" plus bulk."""
    if size == "none":
        return
    if size not in ("small", "large"):
        raise ValueError(f"unknown estate size {size!r}: none, small or large")
    _Seeder(Clients(endpoint, account), now or datetime.now(timezone.utc)).run()
    if size == "large":
        from console.demo.seed_large import seed_large

        seed_large(account=account or E.DEFAULT_ACCOUNT, region=E.REGION)


class _Seeder:
    """One seeding run: the clients, the clock, the rng and the ARNs made so far."""

    def __init__(self, aws: Clients, now: datetime):
        self.aws = aws
        self.now = now
        self.rng = random.Random(7)
        self.fn_arns: dict[str, str] = {}
        self.roles: dict[str, str] = {}

    def run(self) -> None:
        self.roles = {
            "lambda": self._role(E.LAMBDA_ROLE, _ASSUME_LAMBDA),
            "sfn": self._role(E.SFN_ROLE, _ASSUME_SFN),
            "events": self._role(E.EVENTS_ROLE, _ASSUME_EVENTS),
        }
        self._functions()
        self._triggers()
        self._logs()
        self._ecs()
        machines = self._state_machines()
        self._events(machines)
        self._executions(machines)

    # -- IAM ---------------------------------------------------------------

    def _role(self, name: str, principal: dict[str, Any]) -> str:
        policy = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
        }
        iam = self.aws("iam")
        return iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(policy))["Role"]["Arn"]

    # -- Lambda ------------------------------------------------------------

    def _functions(self) -> None:
        lam = self.aws("lambda")
        layer = lam.publish_layer_version(
            LayerName=E.LAYER,
            Description="logging, tracing and retry helpers",
            Content={"ZipFile": _layer_zip()},
            CompatibleRuntimes=["python3.11", "python3.12"],
        )["LayerVersionArn"]
        for spec in E.FUNCTIONS:
            kwargs: dict[str, Any] = {
                "FunctionName": spec.name,
                "Role": self.roles["lambda"],
                "MemorySize": spec.memory,
                "Timeout": 30 if spec.name != "process-upload" else 300,
                "Description": f"{spec.name} for the order pipeline",
                "Environment": {"Variables": _environment(spec)},
                "Tags": {"team": "orders", "service": "order-pipeline"},
            }
            if spec.image:
                kwargs["PackageType"] = "Image"
                kwargs["Code"] = {"ImageUri": E.image_uri(self.aws.account_id, spec)}
            else:
                kwargs.update(Runtime=spec.runtime, Handler=spec.handler, Code={"ZipFile": E.function_zip(spec)})
            if spec.layer:
                kwargs["Layers"] = [layer]
            arn = lam.create_function(**kwargs)["FunctionArn"]
            self.fn_arns[spec.name] = arn
            for n in range(1, spec.versions + 1):
                if n > 1:  # each release has its own code (CodeSha256) and RELEASE
                    code = {"ImageUri": E.image_uri(self.aws.account_id, spec, n)} if spec.image else \
                        {"ZipFile": E.function_zip(spec, n)}
                    lam.update_function_code(FunctionName=spec.name, **code)
                    env = {**_environment(spec), "RELEASE": E.release_name(n)}
                    lam.update_function_configuration(FunctionName=spec.name, Environment={"Variables": env})
                lam.publish_version(FunctionName=spec.name, Description=f"release {E.release_name(n)}")
            self._release_history(spec)
            alias: dict[str, Any] = {"FunctionName": spec.name, "Name": E.LIVE_ALIAS}
            if spec.name == E.CANARY_FUNCTION:
                alias["FunctionVersion"] = E.CANARY_STABLE_VERSION
                alias["RoutingConfig"] = {"AdditionalVersionWeights": {E.CANARY_VERSION: E.CANARY_WEIGHT}}
                alias["Description"] = "canary: 10% on version 3"
            else:
                alias["FunctionVersion"] = str(spec.versions)
            lam.create_alias(**alias)
        lam.put_function_concurrency(FunctionName=E.CANARY_FUNCTION, ReservedConcurrentExecutions=50)

    def _release_history(self, spec: E.FunctionSpec) -> None:
        """Each version published at its own time, RELEASE_GAP apart, the newest a few hours
        ago (the canary's 25 minutes ago: the deploy in progress), $LATEST updated just
        before it: the times moto cannot be told through the API (control.set_last_modified)."""
        index = E.FUNCTION_NAMES.index(spec.name)
        newest = self.now - (E.CANARY_AGE if spec.name == E.CANARY_FUNCTION else timedelta(hours=3 + 5 * index))
        times = {str(n): newest - (spec.versions - n) * E.RELEASE_GAP for n in range(1, spec.versions + 1)}
        times["$LATEST"] = newest - timedelta(seconds=20)
        control.set_last_modified(self.aws.endpoint, spec.name, times, account=self.aws.account_id, region=E.REGION)

    def _triggers(self) -> None:
        """SQS, DynamoDB stream, S3 notification and HTTP API in front of the functions."""
        lam, arns = self.aws("lambda"), self.fn_arns
        sqs = self.aws("sqs")
        queue_url = sqs.create_queue(QueueName=E.ORDERS_QUEUE, Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        lam.create_event_source_mapping(
            EventSourceArn=queue_arn,
            FunctionName="validate-order",
            BatchSize=10,
            MaximumBatchingWindowInSeconds=5,
        )

        table = self.aws("dynamodb").create_table(
            TableName=E.INVENTORY_TABLE,
            KeySchema=[{"AttributeName": "sku", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "sku", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )["TableDescription"]
        lam.create_event_source_mapping(
            EventSourceArn=table["LatestStreamArn"],
            FunctionName="update-inventory",
            StartingPosition="LATEST",
            BatchSize=100,
        )

        s3 = self.aws("s3")
        s3.create_bucket(Bucket=E.uploads_bucket(self.aws.account_id))
        lam.add_permission(
            FunctionName="process-upload",
            StatementId="s3-uploads",
            Action="lambda:InvokeFunction",
            Principal="s3.amazonaws.com",
            SourceArn=f"arn:aws:s3:::{E.uploads_bucket(self.aws.account_id)}",
        )
        s3.put_bucket_notification_configuration(
            Bucket=E.uploads_bucket(self.aws.account_id),
            NotificationConfiguration={
                "LambdaFunctionConfigurations": [
                    {
                        "Id": "process-uploads",
                        "LambdaFunctionArn": arns["process-upload"],
                        "Events": ["s3:ObjectCreated:*"],
                        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": E.UPLOADS_PREFIX}]}},
                    }
                ]
            },
        )

        api = self.aws("apigatewayv2")
        api_id = api.create_api(Name=E.HTTP_API, ProtocolType="HTTP")["ApiId"]
        integration = api.create_integration(
            ApiId=api_id,
            IntegrationType="AWS_PROXY",
            IntegrationUri=arns["items-api"],
            PayloadFormatVersion="2.0",
        )["IntegrationId"]
        api.create_route(ApiId=api_id, RouteKey="GET /items", Target=f"integrations/{integration}")
        api.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
        lam.add_permission(
            FunctionName="items-api",
            StatementId="http-api",
            Action="lambda:InvokeFunction",
            Principal="apigateway.amazonaws.com",
            SourceArn=f"arn:aws:execute-api:{E.REGION}:{self.aws.account_id}:{api_id}/*/*/items",
        )

    def _logs(self) -> None:
        """A few past invocations per function, one of process-payment's failing."""
        logs = self.aws("logs")
        start = self.now - timedelta(minutes=30)
        for spec in E.FUNCTIONS:
            group = f"/aws/lambda/{spec.name}"
            E.ensure_log_group(logs, group)
            logs.put_retention_policy(logGroupName=group, retentionInDays=14)
            stream = E.lambda_stream_name(start, "$LATEST", self.rng)
            lines: list[str] = []
            for i in range(4):
                error = "card declined by issuer" if spec.name == E.CANARY_FUNCTION and i == 2 else None
                inv = E.fake_invocation(self.rng, spec, "$LATEST", cold=i == 0, error=error)
                lines += E.invocation_lines(spec.name, inv, E.fake_app_lines(self.rng, spec, inv))
            E.put_lines(logs, group, stream, lines, E.ms(start))

    # -- ECS ---------------------------------------------------------------

    def _ecs(self) -> None:
        """The Fargate cluster: api-service (FARGATE and FARGATE_SPOT, circuit breaker with
        rollback; deployed on revision 2, then 3, one of whose tasks could not pull its image)
        and worker-service, on the my-app revisions of E.REVISIONS (revision 4 registered,
        never deployed: its image is broken)."""
        ecs = self.aws("ecs")
        secrets = self.aws("secretsmanager")
        secret_arns = {
            "DB_PASSWORD": secrets.create_secret(
                Name=E.DB_SECRET, SecretString=json.dumps({"username": "app", "password": "hunter2-demo"}))["ARN"],
            "PAYMENTS_API_KEY": secrets.create_secret(
                Name=E.PAYMENTS_SECRET, SecretString="sk_demo_4f9a2c")["ARN"],
        }
        strategy = [
            {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 3},
        ]
        ecs.create_cluster(
            clusterName=E.CLUSTER,
            capacityProviders=["FARGATE", "FARGATE_SPOT"],
            defaultCapacityProviderStrategy=strategy,
            settings=[{"name": "containerInsights", "value": "enabled"}],
        )
        execution_role = self.roles["lambda"].replace(E.LAMBDA_ROLE, "ecsTaskExecutionRole")
        arns = []
        for number, revision in enumerate(E.REVISIONS, 1):
            arns.append(ecs.register_task_definition(
                family=E.TASK_FAMILY,
                requiresCompatibilities=["FARGATE"],
                networkMode="awsvpc",
                cpu=revision.cpu,
                memory=revision.memory,
                executionRoleArn=execution_role,
                containerDefinitions=[_container(revision, secret_arns, self.aws.account_id)],
            )["taskDefinition"]["taskDefinitionArn"])
        network = {"awsvpcConfiguration": self._network()}
        ecs.create_service(
            cluster=E.CLUSTER,
            serviceName=E.SERVICE,
            taskDefinition=arns[E.PREVIOUS_REVISION - 1],
            desiredCount=3,
            capacityProviderStrategy=strategy,
            deploymentConfiguration={
                "deploymentCircuitBreaker": {"enable": True, "rollback": True},
                "maximumPercent": 200,
                "minimumHealthyPercent": 100,
            },
            networkConfiguration=network,
        )
        ecs.create_service(
            cluster=E.CLUSTER,
            serviceName=E.WORKER_SERVICE,
            taskDefinition=arns[E.DEPLOYED_REVISION - 1],
            desiredCount=2,
            launchType="FARGATE",
            networkConfiguration=network,
        )
        # The server's own estate, seeded at its start, lets its rollouts finish in the past:
        # settling moves every account's ECS services, so a later seeding (a test's account on
        # a shared server) leaves the others alone, and its rollouts run on the clock.
        settle = not control.health(self.aws.endpoint)["seeded"]
        if settle:
            control.settle_ecs(self.aws.endpoint)  # api-service's first deployment completed
        ecs.update_service(cluster=E.CLUSTER, service=E.SERVICE, taskDefinition=arns[E.DEPLOYED_REVISION - 1])
        self._failed_pull(arns[E.DEPLOYED_REVISION - 1])
        if settle:
            control.settle_ecs(self.aws.endpoint)  # ... and so did the deployment of revision 3
        self._ecs_log_streams()

    def _failed_pull(self, task_definition: str) -> None:
        """One of revision 3's first tasks could not pull its image (the registry hiccuped):
        stopped TaskFailedToStart with CannotPullContainerError, the scheduler launched another."""
        ecs = self.aws("ecs")
        arns = ecs.list_tasks(cluster=E.CLUSTER, serviceName=E.SERVICE)["taskArns"]
        starting = sorted(t["taskArn"] for t in ecs.describe_tasks(cluster=E.CLUSTER, tasks=arns)["tasks"]
                          if t["taskDefinitionArn"] == task_definition and t["lastStatus"] != "RUNNING")
        if starting:
            control.stop_ecs_task(self.aws.endpoint, E.CLUSTER, starting[0], "TaskFailedToStart",
                                  account=self.aws.account, region=E.REGION)

    def _network(self) -> dict[str, Any]:
        """Two subnets of the account's default VPC, and its default security group."""
        ec2 = self.aws("ec2")
        vpcs = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
        if vpcs:
            vpc_id = vpcs[0]["VpcId"]
        else:
            vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
            for i, az in enumerate(("a", "b")):
                ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{E.REGION}{az}")
        subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
        groups = ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": ["default"]}]
        )["SecurityGroups"]
        return {
            "subnets": sorted(s["SubnetId"] for s in subnets)[:2],
            "securityGroups": [g["GroupId"] for g in groups[:1]],
            "assignPublicIp": "DISABLED",
        }

    def _ecs_log_streams(self) -> None:
        """Give each service task its awslogs stream.

        The server's ECS extension started the tasks when the services were created.
        """
        ecs = self.aws("ecs")
        logs = self.aws("logs")
        E.ensure_log_group(logs, E.ECS_LOG_GROUP)
        task_arns = ecs.list_tasks(cluster=E.CLUSTER)["taskArns"]
        start = E.ms(self.now - timedelta(minutes=20))
        for arn in sorted(task_arns):
            task_id = arn.rsplit("/", 1)[-1]
            lines = E.ecs_app_lines(self.rng, task_id, starting=True)
            lines += E.ecs_app_lines(self.rng, task_id, starting=False)
            E.put_lines(logs, E.ECS_LOG_GROUP, E.ecs_stream_name(task_id), lines, start)

    # -- Step Functions ----------------------------------------------------

    def _state_machines(self) -> dict[str, str]:
        sfn = self.aws("stepfunctions")
        definitions = {
            E.ORDER_MACHINE: order_processing_definition(self.fn_arns),
            E.BATCH_MACHINE: batch_fulfilment_definition(self.fn_arns),
            E.RECONCILE_MACHINE: reconciliation_definition(self.fn_arns),
            E.EVENTS_MACHINE: order_events_definition(self.fn_arns),
        }
        logs = self.aws("logs")
        E.ensure_log_group(logs, E.EVENTS_MACHINE_LOG_GROUP)
        group_arn = f"arn:aws:logs:{E.REGION}:{self.aws.account_id}:log-group:{E.EVENTS_MACHINE_LOG_GROUP}:*"
        express_logging = {"level": "ERROR", "includeExecutionData": True,
                           "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": group_arn}}]}
        return {
            name: sfn.create_state_machine(
                name=name,
                definition=json.dumps(definition),
                roleArn=self.roles["sfn"],
                type="EXPRESS" if name == E.EVENTS_MACHINE else "STANDARD",
                tags=[{"key": "team", "value": "orders"}],
                **({"loggingConfiguration": express_logging} if name == E.EVENTS_MACHINE else {}),
            )["stateMachineArn"]
            for name, definition in definitions.items()
        }

    def _executions(self, machines: dict[str, str]) -> None:
        """Past executions: successes, a caught validation failure, a payment failure after
        retries, a Parallel with a failed branch, a Map with one failed iteration, a bulk
        batch whose history has over 1,000 events, a timeout. Not awaited: they finish in
        the server's interpreter threads while the console starts."""
        sfn = self.aws("stepfunctions")
        runs: list[tuple[str, str, dict[str, Any]]] = []
        for i in range(1, 6):
            runs.append((E.ORDER_MACHINE, f"order-{1000 + i}", E.order_input(self.rng, 1000 + i)))
        runs.append((E.ORDER_MACHINE, "order-1006", E.order_input(self.rng, 1006, fail_validation="missing shipping address")))
        runs.append((E.ORDER_MACHINE, "order-1007", E.order_input(self.rng, 1007, fail_payment="card declined")))
        runs.append((E.ORDER_MACHINE, "order-1008", E.order_input(self.rng, 1008,
                                                                   fail_confirmation="mailbox unavailable")))
        runs.append((E.BATCH_MACHINE, "batch-2026-11-27", {"itemCount": 3, "items": [{"sku": f"SKU-{n}"} for n in (101, 205, 333)]}))
        runs.append((E.BATCH_MACHINE, "batch-2026-11-28", E.batch_input(4, 400, out_of_stock={2})))
        runs.append((E.BATCH_MACHINE, "batch-empty", {"itemCount": 0, "items": []}))
        runs.append((E.BATCH_MACHINE, BULK_BATCH, E.batch_input(BULK_ITEMS, 1000)))
        runs.append((E.RECONCILE_MACHINE, "reconcile-nightly", {"date": f"{self.now:%Y-%m-%d}"}))
        # EXPRESS: AWS lists none of these; their AWS/States metrics say how they went.
        for i, kind in enumerate(("status",) * 4 + ("malformed", "partner")):
            runs.append((E.EVENTS_MACHINE, f"event-{3000 + i}", E.order_event(self.rng, 1000 + i, kind)))
        for machine, name, payload in runs:
            sfn.start_execution(stateMachineArn=machines[machine], name=name, input=json.dumps(payload))

    # -- EventBridge -------------------------------------------------------

    def _events(self, machines: dict[str, str]) -> None:
        """Rules on the default bus (a pattern, a nightly cron, rate(5 minutes), a disabled one, a
        sweeper starting a state machine, an hourly one whose target version does not exist) and
        a pattern rule on the orders bus; Scheduler schedules in the default and the reports
        group, in zones, one-time, flexible, with retry policies and a DLQ, one failing; and the
        last day's AWS/Events and AWS/Scheduler history of the scheduled ones."""
        events, lam, arns = self.aws("events"), self.aws("lambda"), self.fn_arns
        events.create_event_bus(Name=E.ORDERS_BUS)
        s3_pattern = {
            "source": ["aws.s3"],
            "detail-type": ["Object Created"],
            "detail": {"bucket": {"name": [E.uploads_bucket(self.aws.account_id)]}, "object": {"key": [{"prefix": E.UPLOADS_PREFIX}]}},
        }
        rules: list[tuple[str, dict[str, Any], str]] = [
            ("s3-upload-rule", {"EventPattern": json.dumps(s3_pattern)}, "process-upload"),
            ("daily-cleanup", {"ScheduleExpression": "cron(0 3 * * ? *)"}, "cleanup"),
            ("inventory-sync", {"ScheduleExpression": "rate(5 minutes)"}, "update-inventory"),
            ("legacy-report", {"ScheduleExpression": "rate(1 day)", "State": "DISABLED"}, "cleanup"),
        ]
        for name, spec, fn in rules:
            rule_arn = events.put_rule(Name=name, Description=f"{name} -> {fn}", **spec)["RuleArn"]
            events.put_targets(Rule=name, Targets=[{"Id": fn, "Arn": arns[fn]}])
            lam.add_permission(
                FunctionName=fn,
                StatementId=f"events-{name}",
                Action="lambda:InvokeFunction",
                Principal="events.amazonaws.com",
                SourceArn=rule_arn,
            )
        events.put_rule(Name=E.SWEEPER_RULE, ScheduleExpression="rate(15 minutes)",
                        Description="sweep abandoned orders: an empty fulfilment batch")
        events.put_targets(Rule=E.SWEEPER_RULE, Targets=[{
            "Id": E.BATCH_MACHINE, "Arn": machines[E.BATCH_MACHINE], "RoleArn": self.roles["events"],
            "Input": json.dumps(E.SWEEPER_INPUT)}])
        events.put_rule(Name=E.FAILING_RULE, ScheduleExpression="cron(0 * * * ? *)",
                        Description="expire abandoned carts (pinned to cleanup version 3, never published)")
        events.put_targets(Rule=E.FAILING_RULE, Targets=[{
            "Id": "cleanup-v3", "Arn": f"{arns['cleanup']}:3",
            "InputTransformer": {"InputPathsMap": {"at": "$.time"}, "InputTemplate": '{"expireBefore": <at>}'},
            "RetryPolicy": {"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 3600}}])
        events.put_rule(
            Name="order-placed",
            EventBusName=E.ORDERS_BUS,
            EventPattern=json.dumps({"source": ["shop.orders"], "detail-type": ["OrderPlaced"]}),
            Description="every placed order starts order-processing",
        )
        events.put_targets(
            Rule="order-placed",
            EventBusName=E.ORDERS_BUS,
            Targets=[{"Id": "order-processing", "Arn": machines[E.ORDER_MACHINE], "RoleArn": self.roles["events"],
                      "InputPath": "$.detail"}],
        )
        self._schedules(machines)
        self._schedule_history()

    def _schedules(self, machines: dict[str, str]) -> None:
        scheduler, sqs = self.aws("scheduler"), self.aws("sqs")
        dlq_url = sqs.create_queue(QueueName=E.SCHEDULER_DLQ)["QueueUrl"]
        dlq = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        scheduler.create_schedule_group(Name=E.SCHEDULE_GROUP)
        role, arns = self.roles["events"], self.fn_arns
        berlin = ZoneInfo("Europe/Berlin")
        freeze = (self.now.astimezone(berlin) + timedelta(days=1)).replace(hour=7, minute=0, second=0, microsecond=0)
        schedules: list[tuple[str, str, str, dict[str, Any], dict[str, Any]]] = [
            ("black-friday-warmup", "at(2026-12-01T09:00:00)", "UTC",
             {"Arn": arns["items-api"], "Input": json.dumps({"schedule": "black-friday-warmup"})}, {}),
            ("weekday-digest", "cron(30 8 ? * MON-FRI *)", "Europe/Berlin",
             {"Arn": arns["send-confirmation"], "Input": json.dumps({"schedule": "weekday-digest"})}, {}),
            ("warehouse-rollup", "cron(0 2 * * ? *)", "Europe/Berlin",
             {"Arn": machines[E.BATCH_MACHINE], "Input": json.dumps(E.SWEEPER_INPUT),
              "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600}},
             {"GroupName": E.SCHEDULE_GROUP, "FlexibleTimeWindow": {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 30}}),
            (E.FAILING_SCHEDULE, "rate(30 minutes)", "UTC",
             {"Arn": f"{arns['send-confirmation']}:9", "Input": json.dumps({"partner": "acme", "at": "<aws.scheduler.scheduled-time>"}),
              "RetryPolicy": {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 600}, "DeadLetterConfig": {"Arn": dlq}},
             {"GroupName": E.SCHEDULE_GROUP}),
            ("price-freeze", f"at({freeze:%Y-%m-%dT%H:%M:%S})", "Europe/Berlin",
             {"Arn": arns["items-api"], "Input": json.dumps({"freeze": True})},
             {"GroupName": E.SCHEDULE_GROUP, "Description": "freeze prices before the sale (one-time)"}),
        ]
        for name, expression, zone, target, extra in schedules:
            scheduler.create_schedule(
                Name=name,
                ScheduleExpression=expression,
                ScheduleExpressionTimezone=zone,
                FlexibleTimeWindow=extra.pop("FlexibleTimeWindow", {"Mode": "OFF"}),
                Target={"RoleArn": role, **target},
                **extra,
            )

    def _schedule_history(self) -> None:
        """The last day of AWS/Events by RuleName for the scheduled rules (MISSED_RULE misses one
        fire) and AWS/Scheduler by group for the schedules, as the embedded AWS writes them when
        they fire (events_firing.rule_datums, scheduler_firing.schedule_datums)."""
        from console.demo import cron_minutes
        from console.demo.extensions.events_firing import rule_datums
        from console.demo.extensions.events_timing import floor_minute, minutes
        from console.demo.extensions.scheduler_firing import schedule_datums

        first, last = floor_minute(self.now - E.BACKFILL) + timedelta(minutes=1), floor_minute(self.now)
        past = list(minutes(first, last))

        def rate_past(period: timedelta) -> list[datetime]:
            return [floor_minute(self.now - k * period) for k in range(1, int(E.BACKFILL / period) + 1)]

        def cron_past(expression: str, zone: str | None = None) -> list[datetime]:
            """Its fires in the last day. Only the minutes its minutes field names are asked
            (cron_minutes reads every minute slowly; the zones here are whole hours off UTC)."""
            minute = int(expression[5:].split()[0])
            return [m for m in past if m.minute == minute and cron_minutes.fires_at(expression, m, zone)]

        events: list[dict[str, Any]] = []
        for rule, fires, failed in (
            ("daily-cleanup", cron_past("cron(0 3 * * ? *)"), False),
            (E.MISSED_RULE, [m for k, m in enumerate(rate_past(timedelta(minutes=5)), 1) if k != E.MISSED_FIRE], False),
            (E.SWEEPER_RULE, rate_past(timedelta(minutes=15)), False),
            (E.FAILING_RULE, cron_past("cron(0 * * * ? *)"), True),
        ):
            for minute in fires:
                events += rule_datums(rule, minute, 1, 1 if failed else 0)
        scheduler: list[dict[str, Any]] = []
        for minute in rate_past(timedelta(minutes=30)):
            scheduler += schedule_datums(E.SCHEDULE_GROUP, minute, {
                "InvocationAttemptCount": 1, "TargetErrorCount": 1, "InvocationsSentToDeadLetterCount": 1})
        for minute in cron_past("cron(0 2 * * ? *)", "Europe/Berlin"):
            scheduler += schedule_datums(E.SCHEDULE_GROUP, minute, {"InvocationAttemptCount": 1})
        for minute in cron_past("cron(30 8 ? * MON-FRI *)", "Europe/Berlin"):
            scheduler += schedule_datums("default", minute, {"InvocationAttemptCount": 1})
        cw = self.aws("cloudwatch")
        for namespace, datums in (("AWS/Events", events), ("AWS/Scheduler", scheduler)):
            for i in range(0, len(datums), 1000):
                cw.put_metric_data(Namespace=namespace, MetricData=datums[i:i + 1000])


# -- state machine definitions ---------------------------------------------


def order_processing_definition(fn_arns: dict[str, str]) -> dict[str, Any]:
    """ValidateOrder -> CheckInventory -> ProcessPayment -> Parallel -> OrderComplete.

    Plain function ARNs as Resource: moto 5.2.5's interpreter runs both those
    and `arn:aws:states:::lambda:invoke`; the plain form keeps the state's
    output the function's result. ProcessPayment sends only `$.payment` and
    SendConfirmation only `$.confirmation`, so a fail marker there reaches that
    function and nothing else (a failed SendConfirmation fails the Parallel, which
    nothing catches).
    """
    caught = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "OrderFailed"}]
    return {
        "Comment": "Order pipeline: validate, reserve stock, charge, then confirm and update stock",
        "StartAt": "ValidateOrder",
        "States": {
            "ValidateOrder": {
                "Type": "Task",
                "Resource": fn_arns["validate-order"],
                "ResultPath": "$.validation",
                # A bad order is the customer's: it ends the order, anything else fails it.
                "Catch": [{"ErrorEquals": [E.VALIDATION_ERROR], "ResultPath": "$.error", "Next": "OrderFailed"}],
                "Next": "CheckInventory",
            },
            "CheckInventory": {
                "Type": "Task",
                "Resource": fn_arns["check-inventory"],
                "InputPath": "$.items",
                "ResultPath": "$.inventory",
                "Next": "ProcessPayment",
            },
            "ProcessPayment": {
                "Type": "Task",
                "Resource": fn_arns["process-payment"],
                "InputPath": "$.payment",
                "ResultPath": "$.paymentResult",
                "Retry": [
                    {"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2}
                ],
                "Catch": caught,
                "Next": "ParallelProcessing",
            },
            "ParallelProcessing": {
                "Type": "Parallel",
                "ResultPath": "$.fulfilment",
                "Branches": [
                    {
                        "StartAt": "SendConfirmation",
                        "States": {
                            "SendConfirmation": {"Type": "Task", "Resource": fn_arns["send-confirmation"],
                                                 "InputPath": "$.confirmation", "End": True}
                        },
                    },
                    {
                        "StartAt": "UpdateInventory",
                        "States": {
                            "UpdateInventory": {"Type": "Task", "Resource": fn_arns["update-inventory"], "End": True}
                        },
                    },
                ],
                "Next": "OrderComplete",
            },
            "OrderComplete": {"Type": "Succeed"},
            "OrderFailed": {"Type": "Fail", "Error": "OrderFailed", "Cause": "The order could not be processed"},
        },
    }


def batch_fulfilment_definition(fn_arns: dict[str, str]) -> dict[str, Any]:
    """A Choice in front of a Map over `$.items`."""
    return {
        "Comment": "Reserve and ship every item of a batch",
        "StartAt": "HasItems",
        "States": {
            "HasItems": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.itemCount", "NumericGreaterThan": 0, "Next": "FulfilItems"}],
                "Default": "NothingToDo",
            },
            "FulfilItems": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "MaxConcurrency": 4,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"},
                    "StartAt": "ReserveItem",
                    "States": {
                        "ReserveItem": {"Type": "Task", "Resource": fn_arns["check-inventory"], "Next": "ShipItem"},
                        "ShipItem": {"Type": "Task", "Resource": fn_arns["update-inventory"], "End": True},
                    },
                },
                "ResultPath": "$.results",
                "Next": "BatchDone",
            },
            "NothingToDo": {"Type": "Succeed"},
            "BatchDone": {"Type": "Succeed"},
        },
    }


def reconciliation_definition(fn_arns: dict[str, str]) -> dict[str, Any]:
    """Waits longer than its own timeout, so its executions end TIMED_OUT."""
    return {
        "Comment": "Nightly settlement reconciliation (times out: the settlement file never arrives)",
        "TimeoutSeconds": 3,
        "StartAt": "WaitForSettlement",
        "States": {
            "WaitForSettlement": {"Type": "Wait", "Seconds": 60, "Next": "Reconcile"},
            "Reconcile": {"Type": "Task", "Resource": fn_arns["process-payment"], "End": True},
        },
    }


def order_events_definition(fn_arns: dict[str, str]) -> dict[str, Any]:
    """EXPRESS: route an order status event, tell the customer, done in well under a second.

    A malformed event (no orderId) fails; a partner event waits longer than the
    machine's own timeout, so it ends TIMED_OUT. (The timeout leaves room for the Lambda
    call once the embedded AWS scales interpreter waits: 0.6 s at the demo's 0.01.)
    """
    return {
        "Comment": "Order status events: check, enrich, notify the customer (Express: high volume)",
        "TimeoutSeconds": 60,
        "StartAt": "Classify",
        "States": {
            "Classify": {
                "Type": "Choice",
                "Choices": [
                    {"Not": {"Variable": "$.orderId", "IsPresent": True}, "Next": "RejectEvent"},
                    {"Variable": "$.kind", "StringEquals": "partner", "Next": "AwaitPartner"},
                ],
                "Default": "Enrich",
            },
            "Enrich": {"Type": "Pass", "Parameters": {"orderId.$": "$.orderId", "status.$": "$.status",
                                                       "channel": "email"}, "Next": "NotifyCustomer"},
            "NotifyCustomer": {"Type": "Task", "Resource": fn_arns["send-confirmation"], "Next": "Delivered"},
            "AwaitPartner": {"Type": "Wait", "Seconds": 300, "Next": "NotifyCustomer"},
            "Delivered": {"Type": "Succeed"},
            "RejectEvent": {"Type": "Fail", "Error": "InvalidOrderEvent", "Cause": "the event has no orderId"},
        },
    }


def _environment(spec: E.FunctionSpec) -> dict[str, str]:
    env = {"LOG_LEVEL": "INFO", "POWERTOOLS_SERVICE_NAME": spec.name, "STAGE": "prod", "RELEASE": "1.1.0"}
    if spec.name in ("process-payment", "update-inventory", "check-inventory"):
        env["DB_HOST"] = "orders-db.cluster-demo.us-east-1.rds.amazonaws.com"
        env["DB_PASSWORD"] = "hunter2-demo"
    if spec.name == "process-payment":
        env["PAYMENT_GATEWAY_URL"] = "https://payments.example.com/v2"
    return env


def _layer_zip() -> bytes:
    spec = E.FunctionSpec(E.LAYER, "python3.12", 128, 0, 0, 0.0)
    return E.function_zip(spec)


def _container(revision: E.Revision, secret_arns: dict[str, str], account: str) -> dict[str, Any]:
    return {
        "name": E.CONTAINER,
        "image": E.ecs_image(account, revision.tag),
        "essential": True,
        "cpu": int(revision.cpu),
        "memory": int(revision.memory),
        "portMappings": [{"containerPort": port, "protocol": "tcp"} for port in revision.ports],
        "environment": [{"name": name, "value": value} for name, value in revision.environment],
        "secrets": [{"name": name, "valueFrom": secret_arns[name]} for name in revision.secrets],
        "healthCheck": {
            "command": ["CMD-SHELL", f"curl -fs http://localhost:8080{revision.health_path} || exit 1"],
            "interval": 30,
            "timeout": 5,
            "retries": revision.health_retries,
            "startPeriod": 10,
        },
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": E.ECS_LOG_GROUP,
                "awslogs-region": E.REGION,
                "awslogs-stream-prefix": E.ECS_STREAM_PREFIX,
            },
        },
    }
