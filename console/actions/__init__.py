"""Guarded actions: every mutating thing opsdeck does, as plan -> apply -> verify, audited.

base: Action, Plan, Step and the one step runner; runner: Runner, the orchestration the
TUI and the CLI share (plan, confirmation rules, audit, apply, verify); registry: actions
by name (each service registers its own; console.services.registered_actions loads
them all); cli: running an action from a click command.
"""
