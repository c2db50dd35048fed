"""Calls per minute against AWS's request-rate quotas (console.aws.limits.quotas()).

A console left open shares each quota with the account's deploy pipelines and everyone
else's tools, so at steady state opsdeck aims at a tenth of each (Quota.per_minute / 10).
Requests are counted server-side per operation and assigned to their quota with
console.aws.limits.quota_for; an operation under no documented quota is listed apart.
"""

from __future__ import annotations

from collections import Counter
from typing import Mapping

from console.aws.limits import NO_BURST, Quota, quota_for, quotas

NONE = "(no documented quota)"


def by_quota(calls: Mapping[str, int], region: str = "us-east-1") -> Counter[str]:
    """{"service:Operation": n} -> {quota name: n}; operations under none go to NONE."""
    totals: Counter[str] = Counter()
    for operation, n in calls.items():
        if not n:
            continue
        service, name = operation.split(":", 1)
        quota = quota_for(service, name, region)
        totals[quota.name if quota else NONE] += n
    return totals


def quota_table(region: str = "us-east-1") -> dict[str, Quota]:
    return {quota.name: quota for quota in quotas(region)}


def assumption(quota: Quota) -> str:
    """"" when documented; "assumed" when the rate is an assumption; "burst assumed" when
    only the bucket size is (the rate, which is what the bench compares, is documented)."""
    if not quota.assumed:
        return ""
    return "burst assumed" if quota.assumed == NO_BURST else "assumed"
