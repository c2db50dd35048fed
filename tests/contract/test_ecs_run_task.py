"""RunTask and StopTask for Fargate (awsvpc) tasks, as the ECS references describe them, on the
embedded AWS (moto 5.2.5 answers RunTask for a Fargate task definition with a 500).

Each test names its source. Lifecycle durations are not documented by AWS: the tests move the
shared clock past the embedded AWS's (console.demo.extensions.ecs_run_task) and assert only the
documented order of states and timestamps.
"""

from __future__ import annotations

import asyncio
import ipaddress

import pytest
from botocore.exceptions import ClientError

RUN_TASK = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html"


def fargate_family(account, family: str = "job", health_check: bool = False) -> str:
    """A Fargate task definition (awsvpc, task-level cpu/memory, no container memory)."""
    container = {"name": "app", "image": "public.ecr.aws/docker/library/busybox:1.36", "essential": True}
    if health_check:
        container["healthCheck"] = {"command": ["CMD-SHELL", "true"], "interval": 30}
    account.client("ecs").register_task_definition(
        family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        containerDefinitions=[container])
    return family


def network(account) -> tuple[dict, dict]:
    """The awsvpc configuration of the account's default VPC's first subnet, and that subnet."""
    ec2 = account.client("ec2")
    subnet = sorted(ec2.describe_subnets()["Subnets"], key=lambda s: s["SubnetId"])[0]
    group = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]
    config = {"awsvpcConfiguration": {"subnets": [subnet["SubnetId"]], "securityGroups": [group["GroupId"]],
                                      "assignPublicIp": "DISABLED"}}
    return config, subnet


def details(task: dict) -> dict[str, str]:
    (eni,) = [a for a in task["attachments"] if a["type"] == "ElasticNetworkInterface"]
    return {d["name"]: d["value"] for d in eni["details"]}


def test_a_fargate_task_gets_its_network_interface_in_the_given_subnet(fresh_account, shared_clock):
    """RUN_TASK, networkConfiguration: "This parameter is required for task definitions that use
    the awsvpc network mode to receive their own elastic network interface"; task-networking-awsvpc
    .html: "the task is allocated its own elastic network interface (ENI) and a primary private
    IPv4 address", attached as an ElasticNetworkInterface attachment (API_Attachment.html) whose
    details carry subnetId, networkInterfaceId, macAddress, privateDnsName, privateIPv4Address;
    API_Task.html: availabilityZone, cpu and memory ("the cpu/memory value specified in the
    task definition"), createdAt, group ("The name of the task group that's associated with
    the task": RunTask's default "is the family name of the task definition (for example,
    family:my-family-name)"), launchType."""
    ecs = fresh_account.client("ecs")
    ecs.create_cluster(clusterName="jobs")
    family = fargate_family(fresh_account)
    config, subnet = network(fresh_account)

    (task,) = ecs.run_task(cluster="jobs", taskDefinition=family, launchType="FARGATE",
                           networkConfiguration=config)["tasks"]

    eni = details(task)
    assert eni["subnetId"] == subnet["SubnetId"]
    assert ipaddress.ip_address(eni["privateIPv4Address"]) in ipaddress.ip_network(subnet["CidrBlock"])
    (interface,) = fresh_account.client("ec2").describe_network_interfaces(
        NetworkInterfaceIds=[eni["networkInterfaceId"]])["NetworkInterfaces"]
    assert interface["PrivateIpAddress"] == eni["privateIPv4Address"] and interface["SubnetId"] == subnet["SubnetId"]
    assert {"macAddress", "privateDnsName"} <= set(eni)
    assert task["availabilityZone"] == subnet["AvailabilityZone"]
    assert (task["cpu"], task["memory"]) == ("256", "512")
    assert task["createdAt"] == shared_clock.now()
    assert (task["launchType"], task["group"]) == ("FARGATE", "family:job")
    assert task["desiredStatus"] == "RUNNING" and task["lastStatus"] == "PROVISIONING"
    (container,) = task["containers"]
    assert container["networkInterfaces"][0]["privateIpv4Address"] == eni["privateIPv4Address"]


def test_a_fargate_task_walks_provisioning_pending_running(fresh_account, shared_clock):
    """task-lifecycle-explanation.html: a task launched goes PROVISIONING ("Amazon ECS has to
    perform additional steps before the task is launched. For example, for tasks that use the
    awsvpc network mode, the elastic network interface needs to be provisioned"), PENDING
    (waiting on the container agent: the image is pulled), then RUNNING; API_Task.html: the
    pullStartedAt <= pullStoppedAt <= startedAt timestamps, connectivity CONNECTED; a container
    with a healthCheck reports HEALTHY once passing (API_Container.html healthStatus), the
    task's healthStatus follows its essential containers'."""
    ecs = fresh_account.client("ecs")
    ecs.create_cluster(clusterName="jobs")
    family = fargate_family(fresh_account, health_check=True)
    config, _ = network(fresh_account)
    arn = ecs.run_task(cluster="jobs", taskDefinition=family, launchType="FARGATE",
                       networkConfiguration=config)["tasks"][0]["taskArn"]

    seen = []
    for _ in range(8):
        (task,) = ecs.describe_tasks(cluster="jobs", tasks=[arn])["tasks"]
        if not seen or seen[-1] != task["lastStatus"]:
            seen.append(task["lastStatus"])
        asyncio.run(shared_clock.advance(5))
    assert seen == ["PROVISIONING", "PENDING", "RUNNING"]
    assert task["pullStartedAt"] <= task["pullStoppedAt"] <= task["startedAt"]
    assert task["connectivity"] == "CONNECTED" and task["healthStatus"] == "HEALTHY"
    assert task["containers"][0]["lastStatus"] == "RUNNING"
    cluster = ecs.describe_clusters(clusters=["jobs"])["clusters"][0]
    assert (cluster["runningTasksCount"], cluster["pendingTasksCount"]) == (1, 0)


def test_awsvpc_without_a_network_configuration_is_refused(fresh_account):
    """RUN_TASK, networkConfiguration: required for task definitions that use the awsvpc network
    mode. AWS answers InvalidParameterException "Network Configuration must be provided when
    networkMode 'awsvpc' is specified." (the text users report: fabfuel/ecs-deploy#61 and
    #133, aws-actions/amazon-ecs-deploy-task-definition#802); nothing is started."""
    ecs = fresh_account.client("ecs")
    ecs.create_cluster(clusterName="jobs")
    family = fargate_family(fresh_account)

    with pytest.raises(ClientError) as refused:
        ecs.run_task(cluster="jobs", taskDefinition=family, launchType="FARGATE")
    error = refused.value.response
    assert error["Error"]["Code"] == "InvalidParameterException"
    assert error["Error"]["Message"] == "Network Configuration must be provided when networkMode 'awsvpc' is specified."
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert ecs.list_tasks(cluster="jobs")["taskArns"] == []


def test_a_capacity_provider_strategy_places_tasks_on_its_providers(fresh_account):
    """RUN_TASK, capacityProviderStrategy (instead of launchType; "If a capacityProviderStrategy
    is specified, the launchType parameter must be omitted. If no capacityProviderStrategy or
    launchType is specified, the defaultCapacityProviderStrategy for the cluster is used");
    API_CapacityProviderStrategyItem.html: "base ... how many tasks, at a minimum, to run on the
    specified capacity provider"; API_Task.html capacityProviderName. Fargate Spot tasks are
    Fargate tasks (launchType FARGATE)."""
    ecs = fresh_account.client("ecs")
    ecs.create_cluster(clusterName="jobs", capacityProviders=["FARGATE", "FARGATE_SPOT"],
                       defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}])
    family = fargate_family(fresh_account)
    config, _ = network(fresh_account)

    strategy = [{"capacityProvider": "FARGATE", "base": 2, "weight": 0},
                {"capacityProvider": "FARGATE_SPOT", "weight": 1}]
    tasks = ecs.run_task(cluster="jobs", taskDefinition=family, count=3, capacityProviderStrategy=strategy,
                         networkConfiguration=config)["tasks"]
    assert sorted(t["capacityProviderName"] for t in tasks) == ["FARGATE", "FARGATE", "FARGATE_SPOT"]
    assert {t["launchType"] for t in tasks} == {"FARGATE"}

    (default,) = ecs.run_task(cluster="jobs", taskDefinition=family, networkConfiguration=config)["tasks"]
    assert default["capacityProviderName"] == "FARGATE_SPOT"


def test_stop_task_on_a_standalone_task_is_user_initiated(fresh_account, shared_clock):
    """API_StopTask.html: "the equivalent of docker stop is issued to the containers running in
    the task. This results in a SIGTERM value"; stopped-task-error-codes.html: UserInitiated
    ("The user stopped the task"), with "Task stopped by user" when no reason is given (the
    reason given otherwise: StopTask's reason "appears in subsequent DescribeTasks API
    operations on this task"); desiredStatus STOPPED at once, lastStatus STOPPED once the task
    has deprovisioned (task-lifecycle-explanation.html), with stoppingAt <= executionStoppedAt
    <= stoppedAt; the task's elastic network interface is then deleted."""
    ecs = fresh_account.client("ecs")
    ec2 = fresh_account.client("ec2")
    ecs.create_cluster(clusterName="jobs")
    family = fargate_family(fresh_account)
    config, _ = network(fresh_account)
    first, second = (t["taskArn"] for t in ecs.run_task(cluster="jobs", taskDefinition=family, count=2,
                                                        launchType="FARGATE", networkConfiguration=config)["tasks"])
    asyncio.run(shared_clock.advance(30))

    stopped = ecs.stop_task(cluster="jobs", task=first)["task"]
    ecs.stop_task(cluster="jobs", task=second, reason="migration done")
    assert (stopped["desiredStatus"], stopped["stopCode"], stopped["stoppedReason"]) == (
        "STOPPED", "UserInitiated", "Task stopped by user")
    assert ecs.list_tasks(cluster="jobs", desiredStatus="STOPPED")["taskArns"] != []
    asyncio.run(shared_clock.advance(30))

    tasks = {t["taskArn"]: t for t in ecs.describe_tasks(cluster="jobs", tasks=[first, second])["tasks"]}
    assert tasks[second]["stoppedReason"] == "migration done" and tasks[second]["stopCode"] == "UserInitiated"
    task = tasks[first]
    assert task["lastStatus"] == "STOPPED"
    assert task["stoppingAt"] <= task["executionStoppedAt"] <= task["stoppedAt"]
    eni = details(task)["networkInterfaceId"]
    assert eni not in {i["NetworkInterfaceId"] for i in ec2.describe_network_interfaces()["NetworkInterfaces"]}
    assert ecs.describe_clusters(clusters=["jobs"])["clusters"][0]["runningTasksCount"] == 0
