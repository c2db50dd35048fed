"""changes(): versions and updates from Lambda itself, alias moves from opsdeck's audit
trail (exact times) and from looks at the aliases (only "between then and now")."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta, timezone

from console.audit import AuditLog, AuditRecord
from console.clock import ManualClock
from console.services.lambda_.health import AliasMoves, changes
from tests.integration.test_sources import make_function
from tests.lambda_panel.conftest import context_for


def other_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return {'v': 2}\n")
    return buffer.getvalue()


async def test_changes_lists_updates_versions_and_alias_moves_with_how_their_time_is_known(
        fresh_account, monkeypatch, tmp_path):
    fresh_account.use(monkeypatch)
    since = datetime.now(timezone.utc) - timedelta(minutes=1)  # Lambda's LastModified is the server's time
    make_function(fresh_account, "orders")
    lam = fresh_account.client("lambda")
    v1 = lam.publish_version(FunctionName="orders")
    lam.update_function_code(FunctionName="orders", ZipFile=other_zip())
    v2 = lam.publish_version(FunctionName="orders")
    lam.create_alias(FunctionName="orders", Name="live", FunctionVersion=v1["Version"])
    arn = lam.get_function_configuration(FunctionName="orders")["FunctionArn"]

    t1 = datetime.now(timezone.utc).replace(microsecond=0)
    clock = ManualClock(t1)
    audit = AuditLog(tmp_path / "audit.jsonl", clock)
    audit.append(AuditRecord("step", "run-1", (t1 - timedelta(seconds=20)).isoformat(), None, None, "us-east-1",
                             fresh_account.id, "lambda.rollback", "apply", arn,
                             step="Move alias live of orders: version 2 -> version 1", step_index=0,
                             result="applied"))
    audit.append(AuditRecord("step", "run-2", (t1 - timedelta(seconds=10)).isoformat(), None, None, "us-east-1",
                             fresh_account.id, "lambda.rollback", "apply", arn + "-other",  # another function
                             step="Move alias live of orders-other: version 2 -> version 1", result="applied"))
    moves = AliasMoves()
    ctx = context_for(fresh_account.endpoint, clock)
    try:
        first = await changes(ctx, "orders", since, audit=audit, moves=moves)
        lam.update_alias(FunctionName="orders", Name="live", FunctionVersion=v2["Version"],
                         RoutingConfig={"AdditionalVersionWeights": {v1["Version"]: 0.1}})
        await clock.advance(60)
        second = await changes(ctx, "orders", since, audit=audit, moves=moves)
    finally:
        await ctx.pool.close()

    sha1, sha2 = v1["CodeSha256"][:12], v2["CodeSha256"][:12]
    assert sha1 != sha2
    assert {(c.kind, c.source, c.summary) for c in first} == {
        ("updated", "lambda", f"$LATEST updated (code {sha2})"),
        ("published", "lambda", f"version 1 published (code {sha1})"),
        ("published", "lambda", f"version 2 published (new code {sha2})"),
        ("alias", "audit", "lambda.rollback: Move alias live of orders: version 2 -> version 1"),
    }
    published = {c.version: c.at for c in first if c.kind == "published"}
    assert published["1"] <= published["2"]  # Lambda's own LastModified of each version
    assert next(c for c in first if c.source == "audit").at == t1 - timedelta(seconds=20)
    assert [c.at for c in first] == sorted(c.at for c in first)  # oldest first

    observed = [c for c in second if c.source == "observed"]
    assert len(observed) == 1
    (move,) = observed
    assert move.summary == "live→1 → live→2 (90%) 1 (10%)"
    assert (move.observed_after, move.at) == (t1, t1 + timedelta(seconds=60))  # between the two looks
    assert move.version == "2"
    # a later `since` leaves out what happened before it
    assert [c.source for c in second if c.at >= t1 + timedelta(seconds=30)] == ["observed"]
