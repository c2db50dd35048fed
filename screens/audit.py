"""`:audit`: the audit trail, newest first, with runs a crash left unfinished on top."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from console.audit import AuditLog, UnfinishedRun
from console.text import inert
from widgets.footer import Footer


def unfinished_text(runs: list[UnfinishedRun]) -> Text:
    """What a crash left half-done: the action, its target, and the steps it had applied."""
    text = Text(end="")
    for number, run in enumerate(runs):
        if number:
            text.append("\n")
        text.append("UNFINISHED ", style="bold")
        text.append_text(inert(f"{run.started.action} on {run.started.target} (started {run.started.time})"))
        applied = run.applied
        text.append("\n")  # inert() would show a newline inside its text as ␊
        text.append_text(inert(f"  {len(applied)}/{len(run.started.steps)} steps applied"
                               + ("; undo by hand:" if applied else "")))
        for step in applied:
            text.append("\n  applied: ")
            text.append_text(inert(step))
    return text


class AuditScreen(Screen):
    HELP = """\
Every action opsdeck applied, newest first, from its audit trail: when, who, what on
which resource, and how it ended. Runs a crash left unfinished are listed on top, with
the steps they had applied (undo them by hand, or settle a deploy from its function's
`r`)."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Close", id="audit.close")]

    def __init__(self, log: AuditLog) -> None:
        super().__init__()
        self.audit_log = log

    def compose(self) -> ComposeResult:
        yield Static(inert(f"Audit trail: {self.audit_log.path}", style="bold"), id="audit-title")
        unfinished = self.audit_log.unfinished()
        notice = Static(unfinished_text(unfinished), id="audit-unfinished")
        notice.display = bool(unfinished)
        yield notice
        table: DataTable = DataTable(cursor_type="row", id="audit-table")
        table.add_columns("time", "record", "result", "action", "target", "step", "caller")
        for record in reversed(list(self.audit_log.records())):
            result = record.result or ""
            if record.error:
                result += f" ({record.error.get('headline', '')})"
            step = record.step or (f"{len(record.steps)} step(s)" if record.steps else "")
            table.add_row(*(inert(v) for v in (record.time, f"{record.kind}/{record.phase}", result,
                                                 record.action, record.target, step, record.caller or "")))
        yield table
        yield Footer()
