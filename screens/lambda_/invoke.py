"""Invoke a function from the console: payload editor, qualifier, invocation type, result.

Invoke is a guarded action (console.services.lambda_.actions.LambdaInvoke): f5 plans it
(function, qualifier, invocation type, payload size), the generic confirmation modal asks
(a protected target's name typed), the Runner applies and audits it (the payload's
SHA-256, never the payload), and the result comes back here. The qualifier starts at the
configured traffic alias where the function has it, else $LATEST, as on the command line.

The payload starts from a picker of templates (real event shapes, console/payloads/)
and the payloads the user saved for this function (ctrl+s saves the editor under the
name in the "save as" box). Before anything is sent, the JSON is parsed (invalid JSON:
the line and column are shown and the cursor goes there) and its size is checked
against the limit of the invocation type (6 MB sync, 1 MB async). Lambda's refusals
(unknown function or qualifier, access denied, read-only) come back as a Problem.

The result shows the status code, the function error with its type and message, the
executed version, the pretty-printed response and the decoded log tail, all as inert
text: a response is as untrusted as a log line.
"""

from __future__ import annotations

import asyncio
import json

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Select, Static, TextArea

from console.aws.errors import ErrorClass, Problem, describe_problem
from console.config import DEFAULT_TRAFFIC_ALIAS, ConfigError
from console.services.lambda_.invoke import (
    INVOCATION_TYPES,
    InvokeResult,
    PayloadError,
    PayloadTooLarge,
    check_size,
    parse_payload,
)
from console.services.lambda_.models import LambdaFunction
from console.services.lambda_.payloads import TEMPLATES, save_payload, saved_payloads, template_text
from console.services.lambda_.qualifiers import LATEST, Qualifiers, fetch_qualifiers
from console.text import inert
from screens.base import SourceScreen
from screens.confirm import ConfirmActionScreen
from widgets.footer import Footer
from widgets.payload_editor import PayloadEditor
from widgets.status_bar import StatusBar

TEMPLATE = "template:"
SAVED = "saved:"


def payload_choices(function_name: str) -> list[tuple[Text, str]]:
    """Saved payloads of the function first (most specific), then the templates."""
    try:
        saved = list(saved_payloads(function_name))
    except (OSError, ValueError):
        saved = []
    choices = [(Text(f"saved · {name}", end=""), SAVED + name) for name in saved]
    choices += [(Text(f"template · {name}", end=""), TEMPLATE + name) for name in TEMPLATES]
    return choices


def function_error_text(result: InvokeResult) -> str | None:
    """`Unhandled — OrderError: boom` from the FunctionError header and the error payload."""
    if result.function_error is None:
        return None
    detail = ""
    try:
        body = json.loads(result.payload) if result.payload else None
    except ValueError:
        body = None
    if isinstance(body, dict) and (body.get("errorType") or body.get("errorMessage")):
        detail = f" — {body.get('errorType') or 'Error'}: {body.get('errorMessage') or ''}".rstrip(": ")
    return f"{result.function_error}{detail}"


class InvokeScreen(SourceScreen):
    """Invoke one function; esc goes back."""

    HELP = """\
Invoke the function with a payload: pick a template of a real event shape (or a payload
saved before), edit it, choose the qualifier (an alias or version) and whether to wait
for the result, then send it. The result shows the status, any function error, the
version that ran, the payload it returned and the tail of its log."""

    BINDINGS = [
        Binding("f5", "invoke", "Invoke", id="action.lambda.invoke-send", priority=True,
                tooltip="Send the payload to the function at the chosen qualifier"),
        Binding("ctrl+s", "save", "Save payload", id="invoke.save", priority=True,
                tooltip="Save the editor's payload for this function under the name in 'save as'"),
    ]

    def __init__(self, function: LambdaFunction) -> None:
        super().__init__()
        self.function = function
        self.qualifiers = Qualifiers()
        self.result: InvokeResult | None = None
        self.problem: Problem | None = None
        self._payload_error = False  # the message is about the payload: it goes when that is fixed
        self.state = "ready"  # ready | invoking (planning, confirming, sending) | done | failed | refused
        self.qualifiers_loaded = False  # until then the plan picks the default qualifier itself

    # layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        title = Text(end="")
        title.append("Invoke ", style="bold")
        title.append_text(inert(self.function.name, style="bold"))
        title.append(" · payload (JSON) on the left, result on the right", style="dim")
        yield Static(title, id="invoke-title", markup=False)
        choices = payload_choices(self.function.name)
        with Horizontal(id="invoke-controls"):
            yield Select(choices, value=choices[0][1], allow_blank=False, id="invoke-payload-choice",
                         tooltip="Templates of real event shapes, and payloads saved for this function")
            yield Select([(f"version {LATEST}", LATEST)], value=LATEST, allow_blank=False, id="invoke-qualifier",
                         tooltip="Alias or version to invoke")
            yield Select([(t, t) for t in INVOCATION_TYPES], value="RequestResponse", allow_blank=False,
                         id="invoke-type", tooltip="RequestResponse waits for the answer; Event is async; "
                                                   "DryRun only checks permissions")
            yield Button("Invoke (f5)", id="invoke-send", variant="primary")
            yield Input(placeholder="save as (name)", id="invoke-save-name")
            yield Button("Save (ctrl+s)", id="invoke-save")
        yield Static("", id="invoke-message", markup=False)
        with Horizontal(id="invoke-body"):
            yield PayloadEditor(self._initial_text(choices[0][1]), id="invoke-editor")
            with VerticalScroll(id="invoke-result"):
                yield Static(Text("no invocation yet · f5 sends the payload", style="dim"), id="invoke-summary",
                             markup=False)
                yield Static("", id="invoke-response", markup=False)
                yield Static("", id="invoke-log", markup=False)
        yield StatusBar()
        yield Footer()

    def _initial_text(self, choice: str) -> str:
        try:
            return self._choice_text(choice)
        except (OSError, KeyError, ValueError):
            return "{}"

    def _choice_text(self, choice: str) -> str:
        if choice.startswith(SAVED):
            return saved_payloads(self.function.name)[choice[len(SAVED):]]
        return template_text(choice[len(TEMPLATE):])

    def on_mount(self) -> None:
        self.editor.focus()
        self.call_after_refresh(self.opsdeck.refresh_status)  # the status bar at once, not in a second
        if self.opsdeck.read_only:
            self._refuse_read_only()
        self.run_worker(self._load_qualifiers(), group="invoke-qualifiers")

    @property
    def editor(self) -> PayloadEditor:
        return self.query_one("#invoke-editor", PayloadEditor)

    # qualifiers --------------------------------------------------------------------
    async def _load_qualifiers(self) -> None:
        select = self.query_one("#invoke-qualifier", Select)
        try:
            qualifiers = await fetch_qualifiers(self.opsdeck.aws_context(), self.function.name)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the invoke still works at $LATEST or a typed alias
            target = self.opsdeck.target
            problem = describe_problem(exc, profile=target.profile, endpoint=target.endpoint)
            message = Text("Could not list aliases and versions (invoking $LATEST): ", end="")
            message.append_text(inert(problem.headline))
            self._message(message, "warning")
            return
        self.qualifiers = qualifiers
        self.qualifiers_loaded = True
        select.set_options([(inert(label), value) for label, value in qualifiers.choices()])
        select.value = qualifiers.default(self._traffic_alias())

    def _traffic_alias(self) -> str:
        try:
            return self.opsdeck.action_runner().settings.traffic_alias
        except ConfigError:  # said where the config is loaded; the default still applies
            return DEFAULT_TRAFFIC_ALIAS

    # payload picker ----------------------------------------------------------------
    @on(Select.Changed, "#invoke-payload-choice")
    def _payload_chosen(self, event: Select.Changed) -> None:
        if event.value is Select.NULL:
            return
        try:
            text = self._choice_text(str(event.value))
        except (OSError, KeyError, ValueError) as exc:
            self._message(inert(f"Could not load that payload: {exc}"), "error")
            return
        if text != self.editor.text:
            self.editor.load_text(text)

    # invoke ------------------------------------------------------------------------
    @property
    def qualifier(self) -> str:
        value = self.query_one("#invoke-qualifier", Select).value
        return LATEST if value is Select.NULL else str(value)

    @property
    def invocation_type(self) -> str:
        value = self.query_one("#invoke-type", Select).value
        return "RequestResponse" if value is Select.NULL else str(value)

    @on(Button.Pressed, "#invoke-send")
    def _send_pressed(self) -> None:
        self.action_invoke()

    def action_invoke(self) -> None:
        if self.opsdeck.read_only:
            self._refuse_read_only()
            return
        if self.state == "invoking":
            self._message(Text("An invocation is still running; wait for its result."), "warning")
            return
        text = self.editor.text
        try:
            parse_payload(text)
        except PayloadError as exc:
            self._message(Text(f"Payload: invalid JSON at line {exc.line}, column {exc.column}: {exc.message}. "
                               "Nothing was sent."), "error", about_payload=True)
            self.editor.place_cursor(exc.line, exc.column)
            return
        body = text.encode("utf-8")
        try:
            check_size(body, self.invocation_type)
        except PayloadTooLarge as exc:
            self._message(Text(f"Payload too large: {exc}"), "error", about_payload=True)
            return
        self.state = "invoking"
        qualifier = self.qualifier if self.qualifiers_loaded else None
        self._message(Text(f"Planning: invoke {self.function.name} at {qualifier or 'its default qualifier'} "
                           f"({self.invocation_type})…"), "info")
        self.run_worker(self._invoke(body, qualifier, self.invocation_type), exclusive=True, group="invoke")

    async def _invoke(self, body: bytes, qualifier: str | None, invocation_type: str) -> None:
        """Plan -> the confirmation modal (which applies, verifies and audits) -> the result here."""
        from console.actions.runner import ActionRefused
        from console.services.lambda_.actions import InvokeTargetMissing, LambdaInvoke

        try:
            runner = self.opsdeck.action_runner()
            action = LambdaInvoke(self.function.name, body, qualifier, invocation_type,
                                  traffic_alias=runner.settings.traffic_alias)
            plan = await runner.prepare(action)
        except asyncio.CancelledError:
            self.state = "ready"
            raise
        except ActionRefused:
            self._refuse_read_only()
            return
        except InvokeTargetMissing as exc:
            self._failed(exc.problem)
            return
        except Exception as exc:  # bad config, the caller's identity, a throttled read: said, never a traceback
            target = self.opsdeck.target
            self._failed(describe_problem(exc, profile=target.profile, endpoint=target.endpoint))
            return
        self._message(Text(""), None)
        outcome = await self.app.push_screen_wait(ConfirmActionScreen(runner, action, plan, close_when_done=True))
        if outcome is None:  # closed without applying
            self.state = "ready"
            self._message(Text("Not invoked: the plan was not confirmed. Nothing was sent."), "info")
            return
        if outcome.result.error is not None:
            self._failed(outcome.result.error)
            return
        if action.result is not None:
            self.show_result(action.result)

    def _failed(self, problem: Problem) -> None:
        self.state = "refused" if problem.kind is ErrorClass.READ_ONLY else "failed"
        self.problem = problem
        self._show_problem(problem)

    def _show_problem(self, problem: Problem) -> None:
        message = Text(end="")
        message.append_text(inert(problem.headline, style="bold"))
        message.append("\n")
        message.append_text(inert(problem.remedy))
        self._message(message, "error")

    def show_result(self, result: InvokeResult) -> None:
        """Draw what an invocation answered (state `done`)."""
        self.result, self.problem, self.state = result, None, "done"
        summary = Text(end="")
        summary.append(f"Status {result.status_code}", style="bold")
        summary.append(f" · {result.invocation_type}")
        summary.append(" · executed version ")
        summary.append_text(inert(result.executed_version or "—"))
        if result.request_id:
            summary.append(" · request ")
            summary.append_text(inert(result.request_id))
        error = function_error_text(result)
        summary.append("\n")
        if error is not None:
            summary.append("Function error: ", style="bold")
            summary.append_text(inert(error))
        else:
            summary.append("No function error")
        self.set_class(error is not None, "-function-error")
        self.query_one("#invoke-summary", Static).update(summary)
        response = Text(end="")
        response.append("Response\n", style="bold")
        response.append_text(_inert_lines(result.payload) if result.payload else Text("(empty)", style="dim"))
        self.query_one("#invoke-response", Static).update(response)
        log = Text(end="")
        log.append("Log tail\n", style="bold")
        if result.log_tail:
            log.append_text(_inert_lines(result.log_tail))
        elif result.invocation_type != "RequestResponse":
            log.append(f"(none: {result.invocation_type} invocations return no log tail)", style="dim")
        else:
            log.append("(none returned)", style="dim")
        self.query_one("#invoke-log", Static).update(log)

    # read-only ---------------------------------------------------------------------
    def _refuse_read_only(self) -> None:
        self.state = "refused"
        self.query_one("#invoke-send", Button).disabled = True
        message = Text(end="")
        message.append("Read-only mode: opsdeck will not call lambda:Invoke. Nothing is sent.\n", style="bold")
        message.append("This session is read-only (started so, or `read_only = true` for this profile in "
                       "config.toml): invoking needs a session that is not.")
        self._message(message, "error")

    # save --------------------------------------------------------------------------
    @on(Button.Pressed, "#invoke-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Input.Submitted, "#invoke-save-name")
    def _save_submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        box = self.query_one("#invoke-save-name", Input)
        name = box.value.strip()
        if not name:
            self._message(Text("Save: type a name in the 'save as' box (letters, digits, '.', '_' or '-'), "
                               "then ctrl+s."), "error")
            box.focus()
            return
        try:
            save_payload(self.function.name, name, self.editor.text)
        except PayloadError as exc:
            self._message(Text(f"Save: the payload is not valid JSON at line {exc.line}, column {exc.column}: "
                               f"{exc.message}. Nothing was saved."), "error", about_payload=True)
            self.editor.place_cursor(exc.line, exc.column)
            return
        except (ValueError, OSError) as exc:
            self._message(Text(f"Save: {exc}"), "error")
            return
        picker = self.query_one("#invoke-payload-choice", Select)
        picker.set_options(payload_choices(self.function.name))
        with picker.prevent(Select.Changed):
            picker.value = SAVED + name
        message = Text(f"Saved payload {name!r} for ", end="")
        message.append_text(inert(self.function.name))
        message.append("; it is listed first in the payload picker.")
        self._message(message, "info")

    # messages ----------------------------------------------------------------------
    @on(TextArea.Changed, "#invoke-editor")
    def _payload_edited(self) -> None:
        """An error about the payload goes once the payload is fixed."""
        if not self._payload_error:
            return
        text = self.editor.text
        try:
            parse_payload(text)
            check_size(text.encode("utf-8"), self.invocation_type)
        except (PayloadError, PayloadTooLarge):
            return
        self._message(Text(""), None)

    def _message(self, text: Text, tone: str | None, about_payload: bool = False) -> None:
        self._payload_error = about_payload
        box = self.query_one("#invoke-message", Static)
        box.update(text)
        for name in ("info", "warning", "error"):
            box.set_class(tone == name, f"-{name}")
        box.display = bool(text.plain)

    def message_text(self) -> str:
        box = self.query_one("#invoke-message", Static)
        return str(box.render()) if box.display else ""

    def result_text(self) -> str:
        """What the result pane shows, as plain text (tests)."""
        return "\n".join(str(self.query_one(f"#invoke-{part}", Static).render())
                         for part in ("summary", "response", "log"))


def _inert_lines(text: str) -> Text:
    """Multi-line untrusted text (a log tail): newlines kept, every other control made visible."""
    result = Text(end="")
    for index, line in enumerate(text.rstrip("\n").split("\n")):
        if index:
            result.append("\n")
        result.append_text(inert(line.rstrip("\r")))
    return result
