"""Deploys in the audit trail: the previous version of an alias, and deploys a crash left open.

A deploy's `started` record carries its function, alias and old version (Plan.details);
the step that publishes writes the new version in its `step` record. A run without
`finished` is open: opsdeck died mid-deploy (perhaps mid-canary, with weights on the
alias). `open_deploys` finds them so the next start can offer promote or abort
(console.services.lambda_.actions.finish_open_deploy does either, then `close_resolved`
closes the open run with a `finished` record saying how).
"""

from __future__ import annotations

from dataclasses import dataclass

from console.audit import AuditLog, AuditRecord

DEPLOY_ACTION = "lambda.deploy"


@dataclass(frozen=True)
class DeployRecord:
    """One `lambda.deploy` run as the audit trail tells it; `result` None means still open."""

    run: str
    function: str
    function_arn: str
    alias: str
    old_version: str
    new_version: str | None
    started: str
    profile: str | None
    region: str | None
    account: str | None
    result: str | None
    applied: tuple[str, ...] = ()

    @property
    def open(self) -> bool:
        return self.result is None

    def describe(self) -> str:
        new = f"version {self.new_version}" if self.new_version else "no version published yet"
        return (f"deploy of {self.function} on alias {self.alias} started {self.started} never finished: "
                f"old version {self.old_version}, {new}")


def deploy_records(audit: AuditLog) -> list[DeployRecord]:
    """Every lambda.deploy apply run, oldest first."""
    started: dict[str, AuditRecord] = {}
    new_versions: dict[str, str] = {}
    applied: dict[str, list[str]] = {}
    results: dict[str, str] = {}
    for record in audit.records():
        if record.action != DEPLOY_ACTION or record.phase != "apply":
            continue
        if record.kind == "started" and record.details:
            started[record.run] = record
            applied[record.run] = []
        elif record.kind == "step" and record.run in started:
            if record.details and record.details.get("new_version"):
                new_versions[record.run] = str(record.details["new_version"])
            if record.result == "applied" and record.step:
                applied[record.run].append(record.step)
        elif record.kind == "finished" and record.run in started:
            results[record.run] = record.result or "finished"
    found = []
    for run, record in started.items():
        details = record.details or {}
        found.append(DeployRecord(
            run=run, function=details.get("function", ""), function_arn=details.get("function_arn", record.target),
            alias=details.get("alias", ""), old_version=str(details.get("old_version", "")),
            new_version=new_versions.get(run), started=record.time, profile=record.profile,
            region=record.region, account=record.account, result=results.get(run),
            applied=tuple(applied.get(run, ()))))
    return found


def open_deploys(audit: AuditLog) -> list[DeployRecord]:
    """Deploys that started and never finished (newest last): offer promote or abort."""
    return [record for record in deploy_records(audit) if record.open]


def _same_place(record: DeployRecord, function: str, alias: str, region: str | None, account: str | None) -> bool:
    return (record.function == function and record.alias == alias
            and (region is None or record.region in (None, region))
            and (account is None or record.account in (None, account)))


def previous_version(audit: AuditLog | None, function: str, alias: str, current: str,
                     region: str | None = None, account: str | None = None) -> str | None:
    """The version `alias` ran before the last successful deploy that put it on `current`."""
    if audit is None:
        return None
    for record in reversed(deploy_records(audit)):
        if record.result == "ok" and record.new_version == current and \
                _same_place(record, function, alias, region, account):
            return record.old_version or None
    return None


def close_resolved(audit: AuditLog, function: str, alias: str, version_now: str, *, region: str | None,
                   account: str | None, caller: str | None = None, resolved_by: str | None = None) -> list[str]:
    """Close the open deploys of `function`/`alias` that the alias now settles: on the new
    version (promoted: result ok) or on the old one (aborted: result cancelled). Returns
    the runs closed."""
    closed = []
    for record in open_deploys(audit):
        if not _same_place(record, function, alias, region, account):
            continue
        if version_now == record.new_version:
            result, decision = "ok", "promote"
        elif version_now == record.old_version:
            result, decision = "cancelled", "abort"
        else:
            continue
        audit.append(AuditRecord(
            kind="finished", run=record.run, time=audit.now(), caller=caller, profile=record.profile,
            region=record.region, account=record.account, action=DEPLOY_ACTION, phase="apply",
            target=record.function_arn, result=result, steps=list(record.applied),
            details={"resolved": decision, "resolved_by": resolved_by or ""}))
        closed.append(record.run)
    return closed
