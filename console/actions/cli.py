"""The guarded actions as CLI commands, and `opsdeck audit`.

The commands only parse options, ask on the terminal and print: planning, the
confirmation rules, applying, verifying and auditing are console.actions' (Runner).
Mutating commands carry `action_name` (set by `@action_command`) so tests and the
read-only proof can enumerate them from the command tree.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable

import click


class BadInput(click.ClickException):
    """Input that names nothing AWS can act on, or cannot be read (exit 2, like a usage error)."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        from console.text import inert_str

        super().__init__(inert_str(message))  # it may quote what the user typed


def read_text_file(path: str, field: str) -> str:
    """The UTF-8 text of the file `path` the option or argument `field` names; BadInput
    saying what is wrong with it otherwise."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        raise BadInput(f"{field}: file {path!r} does not exist") from None
    except IsADirectoryError:
        raise BadInput(f"{field}: {path!r} is a directory, not a JSON file") from None
    except UnicodeDecodeError as exc:
        raise BadInput(f"{field}: file {path!r} is not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise BadInput(f"{field}: cannot read file {path!r}: {exc.strerror}") from None


def action_command(name: str) -> Callable[[click.Command], click.Command]:
    """Mark a click command as running the mutating action `name`."""

    def mark(command: click.Command) -> click.Command:
        command.action_name = name  # type: ignore[attr-defined]
        command.aws_mutates = True  # type: ignore[attr-defined]
        return command

    return mark


# Every command says what it does to AWS, so the read-only proof covers the whole command
# tree and a new command that forgets to say fails a test instead of escaping the proof.
def reads_only(command: click.Command) -> click.Command:
    """Mark a command that sends no mutating AWS call (reads, local files, the keyring)."""
    command.aws_mutates = False  # type: ignore[attr-defined]
    return command


def mutating_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], click.Command]:
    """Every command under `group` that carries an action_name, by its path of names."""
    found: dict[tuple[str, ...], click.Command] = {}
    for name, command in group.commands.items():
        path = prefix + (name,)
        if getattr(command, "action_name", None):
            found[path] = command
        if isinstance(command, click.Group):
            found.update(mutating_commands(command, path))
    return found


# printing -----------------------------------------------------------------------------------
def echo_plan(plan, target) -> None:
    from console.text import inert_str

    click.echo(f"Plan: {inert_str(plan.summary or plan.action)}")
    where = f"profile {target.label}, region {target.region}, account {target.account or '?'}"
    click.echo(f"Target: {inert_str(plan.target_arn)} ({where})")
    if plan.protected:
        click.echo("PROTECTED: this profile or account is marked protected in the config.")
    for warning in plan.warnings:
        click.echo(f"WARNING: {inert_str(warning)}")
    for number, step in enumerate(plan.steps, 1):
        click.echo(f"  {number}. {inert_str(step.description)}")
        if step.inverse_description:
            click.echo(f"     undo: {inert_str(step.inverse_description)}")


def echo_progress(event) -> None:
    from console.text import inert_str

    if event.state == "running":
        return
    line = f"[{event.index + 1}/{event.total}] {inert_str(event.step.description)} ... {event.state}"
    if event.error is not None:
        line += f": {inert_str(event.error.headline)}"
        if event.error.detail and event.error.detail.casefold() != event.error.headline.casefold():
            line += f" ({inert_str(event.error.detail)})"
    click.echo(line)


def echo_outcome(outcome) -> None:
    from console.text import inert_str

    result = outcome.result
    total = len(outcome.plan.steps) if outcome.plan.steps else len(result.planned)
    if outcome.verify is not None:
        click.echo("Verify: " + ("ok" if outcome.verify.ok else "FAILED"))
        for detail in outcome.verify.details:
            click.echo(f"  {inert_str(detail)}")
    if outcome.ok:
        click.echo(f"Done: {len(result.applied)}/{total} steps applied and verified.")
        return
    if result.cancelled:
        click.echo(f"Cancelled after {len(result.applied)}/{total} steps.")
    elif result.failed is not None:
        click.echo(f"FAILED at: {inert_str(result.failed.description)}")
    click.echo(f"Applied {len(result.applied)}/{total} steps:" if result.applied else "No step was applied.")
    for step in result.applied:
        click.echo(f"  applied: {inert_str(step.description)}")
    for step in result.not_applied:
        click.echo(f"  not applied: {inert_str(step.description)}")
    if result.inverses:
        click.echo("To undo what was applied:")
        for step in result.inverses:
            click.echo(f"  {inert_str(step.description)}")


# running --------------------------------------------------------------------------------------
def run_cli_action(ctx: click.Context, make_action: Callable[[], Any], yes: bool, i_know: bool, *,
                   interruptible: bool = False, offer_undo: bool = True,
                   after: Callable[[Any, Any], Any] | None = None) -> None:
    """Plan, print, confirm on the terminal, apply with progress, verify; exit 1 on failure.

    Long-running actions (a canary deploy) pass `interruptible`: the first Ctrl-C during
    apply sets the cancel flag (the action stops cleanly, e.g. moves an alias back), a
    second one stops opsdeck at once. `offer_undo=False` skips the undo prompt for actions
    that undo by themselves; `after(runner, outcome)` (may be async) prints or records more.
    """
    from console.headless import headless_target, read_only_requested

    target, settings = headless_target(ctx)
    read_only = read_only_requested(ctx)
    # the system clock; a test gives its own in click's `obj` (a followed rollout then costs no time)
    clock = (ctx.find_root().obj or {}).get("clock")
    ok = asyncio.run(_run(target, settings, read_only, make_action(), yes, i_know,
                          interruptible=interruptible, offer_undo=offer_undo, after=after, clock=clock))
    if not ok:
        ctx.exit(1)


class _InterruptFlag:
    """Ctrl-C during a long apply: the first sets the flag, the second cancels the task."""

    def __init__(self) -> None:
        self._set = False
        self._task: asyncio.Task | None = None

    def is_set(self) -> bool:
        return self._set

    def __enter__(self) -> "_InterruptFlag":
        import signal

        self._task = asyncio.current_task()
        try:
            asyncio.get_running_loop().add_signal_handler(signal.SIGINT, self._interrupt)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread / no signals here
            pass
        return self

    def __exit__(self, *exc: object) -> None:
        import signal

        try:
            asyncio.get_running_loop().remove_signal_handler(signal.SIGINT)
        except (NotImplementedError, RuntimeError, ValueError):
            pass

    def _interrupt(self) -> None:
        if not self._set:
            self._set = True
            click.echo("\nInterrupted: stopping cleanly (Ctrl-C again to quit at once).", err=True)
        elif self._task is not None:
            self._task.cancel()


async def _run(target, settings, read_only: bool, action, yes: bool, i_know: bool, *,
               interruptible: bool = False, offer_undo: bool = True, after=None, clock=None) -> bool:
    from console.actions.base import PlanRefused
    from console.actions.confirm import ConfirmationError
    from console.actions.runner import ActionRefused, Runner
    from console.audit import AuditLog
    from console.aws.clients import ClientPool
    from console.aws.context import AwsContext
    from console.aws.errors import describe_problem
    from console.headless import ensure_mfa
    from console.clock import SystemClock

    clock = clock or SystemClock()
    pool = ClientPool(clock, read_only=read_only)
    try:
        runner = Runner(AwsContext(pool, target), AuditLog(None, clock), settings, read_only=read_only)
        try:
            if not runner.read_only:  # read-only refuses below without asking for a code
                # a role profile with mfa_serial: ask for the code here, before the first AWS call
                await ensure_mfa(pool, target, clock)
            plan = await runner.prepare(action)
        except (ActionRefused, PlanRefused) as exc:
            raise click.ClickException(str(exc)) from None
        except click.ClickException:  # e.g. no valid MFA code after 3 tries: nothing changed
            raise
        except Exception as exc:
            problem = describe_problem(exc, profile=target.profile, endpoint=target.endpoint)
            raise click.ClickException(problem.cli_message()) from None
        echo_plan(plan, runner.ctx.target)
        if plan.empty:
            click.echo(plan.note or "Nothing to do.")
            return True
        confirmation = _ask(plan, yes, i_know)
        if confirmation is None:
            click.echo("Nothing changed.")
            return False
        try:
            if interruptible:
                with _InterruptFlag() as cancel:
                    outcome = await runner.execute(action, plan, confirmation, progress=echo_progress, cancel=cancel)
            else:
                outcome = await runner.execute(action, plan, confirmation, progress=echo_progress)
        except ConfirmationError as exc:
            raise click.ClickException(f"{exc}. Nothing changed.") from None
        echo_outcome(outcome)
        if after is not None:
            done = after(runner, outcome)
            if asyncio.iscoroutine(done):
                await done
        if offer_undo and not outcome.ok and outcome.result.inverses and not yes:
            if click.confirm("Undo the applied steps now?", default=False):
                undone = await runner.undo(action, plan, outcome.result.applied, progress=echo_progress)
                click.echo("Undo: " + ("done and verified" if undone.ok else "FAILED"))
                if undone.verify is not None:
                    for detail in undone.verify.details:
                        click.echo(f"  {detail}")
        return outcome.ok
    finally:
        await pool.close()


def _ask(plan, yes: bool, i_know: bool):
    """The user's answer as a Confirmation (None: declined); the rules are check_confirmation's."""
    from console.actions.runner import Confirmation
    from console.text import inert_str

    if yes:
        return Confirmation(yes=True, i_know_protected=i_know)
    if plan.protected:
        typed = click.prompt(f"Type the name ({inert_str(plan.target_name)}) to confirm", default="",
                             show_default=False)
        return Confirmation(typed=typed)
    return Confirmation(typed="y") if click.confirm("Apply this plan?", default=False) else None


# options every action command shares --------------------------------------------------------
YES = click.option("--yes", "-y", is_flag=True, help="Do not ask (refused for protected targets alone).")
I_KNOW = click.option("--i-know-this-is-protected", "i_know", is_flag=True,
                      help="With --yes: apply to a protected profile/account without typing the name.")
