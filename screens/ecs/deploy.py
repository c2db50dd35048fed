"""The deploy and rollback forms of a service (keys `d` and `r`).

Deploy: the container (when the task definition has several) and the image, the current
one filled in; the action copies the revision with that image and the plan shows the
revision diff. Rollback: the revision to go back to, the previous completed deployment's by
default (the plan says which that is), or one of the family's ACTIVE revisions. Both follow
the rollout once applied (screens.ecs.rollout).
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Select

from console.services.ecs.actions import (
    EcsDeploy,
    EcsRollback,
    family_revisions,
    read_service,
    read_task_definition,
)
from console.services.ecs.models import ServiceRef
from console.services.ecs.rollout import revision_name
from screens.ecs.scale import ActionForm

PREVIOUS = "previous"  # the rollback form's default choice: the previous completed deployment


class DeployImageScreen(ActionForm):
    TITLE_TEXT = "Deploy an image to service"

    def __init__(self, ref: ServiceRef) -> None:
        super().__init__(f"{ref.service} ({ref.cluster})")
        self.ref = ref
        self.images: dict[str, str] = {}  # container -> its image now

    def fields(self) -> ComposeResult:
        yield self.row("Container", Select([], allow_blank=True, prompt="reading…", id="deploy-container"))
        yield self.row("Image", Input(placeholder="registry/repository:tag", id="deploy-image"))

    async def load(self, ctx: Any) -> str:
        raw = await read_service(ctx, self.ref.cluster, self.ref.service)
        task_definition, _ = await read_task_definition(ctx, raw["taskDefinition"], "SERVICE")
        self.images = {c.get("name", ""): c.get("image", "") for c in task_definition.get("containerDefinitions", [])}
        select = self.query_one("#deploy-container", Select)
        select.set_options([(name, name) for name in self.images])
        first = next(iter(self.images), None)
        if first is not None:
            select.value = first
        image = self.query_one("#deploy-image", Input)
        image.value = self.images.get(first or "", "")
        image.focus()
        return (f"on {revision_name(raw['taskDefinition'])}; a new revision is copied from it with this image, "
                "then the service is updated and its rollout followed")

    @on(Select.Changed, "#deploy-container")
    def _container_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value in self.images:
            self.query_one("#deploy-image", Input).value = self.images[event.value]

    def build(self) -> EcsDeploy:
        container = self.query_one("#deploy-container", Select).value
        image = self.query_one("#deploy-image", Input).value.strip()
        given = f"{container}={image}" if isinstance(container, str) and image else image
        return EcsDeploy(self.ref.cluster, self.ref.service, given, wait=True)


class RollbackScreen(ActionForm):
    TITLE_TEXT = "Roll back service"
    GO = "Plan…"

    def __init__(self, ref: ServiceRef) -> None:
        super().__init__(f"{ref.service} ({ref.cluster})")
        self.ref = ref

    def fields(self) -> ComposeResult:
        yield self.row("To", Select([("the previous completed deployment", PREVIOUS)], value=PREVIOUS,
                                    allow_blank=False, id="rollback-to"))

    async def load(self, ctx: Any) -> str:
        raw = await read_service(ctx, self.ref.cluster, self.ref.service)
        current = raw["taskDefinition"]
        family = revision_name(current).rsplit(":", 1)[0]
        others = [revision_name(arn) for arn in await family_revisions(ctx, family) if arn != current]
        select = self.query_one("#rollback-to", Select)
        select.set_options([("the previous completed deployment", PREVIOUS), *((name, name) for name in others)])
        select.value = PREVIOUS
        self.query_one("#form-go").focus()  # enter plans the default; shift+tab reaches the revisions
        return f"on {revision_name(current)}; the plan says which revision the service goes back to"

    def build(self) -> EcsRollback:
        chosen = self.query_one("#rollback-to", Select).value
        to = chosen if isinstance(chosen, str) and chosen != PREVIOUS else None
        return EcsRollback(self.ref.cluster, self.ref.service, to=to, wait=True)
