"""Who the console is talking as: the account id behind the target's credentials."""

from __future__ import annotations

from console.aws.context import AwsContext


async def caller_account(ctx: AwsContext) -> str:
    """STS GetCallerIdentity's account; raises botocore's errors for the problem screens."""
    sts = await ctx.client("sts")
    identity = await sts.get_caller_identity()
    return identity["Account"]
