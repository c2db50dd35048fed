"""Names, reasons and event messages from AWS on the ECS screens, rendered by Textual for a
terminal (the recording driver of tests/text): no escape sequence Textual did not write
itself, and the hostile text on screen as glyphs, markup as written."""

from __future__ import annotations

from dataclasses import replace

from screens.ecs.service import ServiceScreen
from screens.ecs.services import ServicesScreen
from tests.app.conftest import settle
from tests.ecs_tui import known
from tests.ecs_tui.conftest import answer_detail, clock, ecs_estate, estate, make_app  # noqa: F401
from tests.text.hostile import HOSTILE, ONE
from tests.text.test_hostile_widgets import assert_clean, recorded  # noqa: F401 - fixture


def hostile_detail():
    worker = known.worker_detail()
    tasks = tuple(replace(task, stopped_reason=h, stop_code=h, availability_zone=h,
                          containers=tuple(replace(c, name=h, reason=h) for c in task.containers))
                  for task, h in zip(worker.tasks, HOSTILE))
    events = tuple(replace(event, message=f"(service worker-service) {h}") for event, h in zip(worker.events, HOSTILE))
    deployments = tuple(replace(d, rollout_reason=ONE, task_definition=ONE) for d in worker.service.deployments)
    history = tuple(replace(h, status_reason=ONE, rollback_reason=ONE) for h in worker.history or ())
    service = replace(worker.service, deployments=deployments, task_definition=ONE, last_event=events[0],
                      health=replace(worker.service.health, reason=ONE))
    return replace(worker, service=service, tasks=tasks, events=events, history=history)


async def test_services_and_service_screens_render_hostile_text_inert(recorded, make_app, ecs_estate,  # noqa: F811
                                                                      answer_detail):  # noqa: F811
    cluster = HOSTILE[0]
    ecs_estate.items["ecs"] = tuple(
        replace(s, name=f"{s.name}-{h}", arn=f"{s.arn}-{i}", cluster=cluster, task_definition=h, launch=h,
                launch_type=h, health=replace(s.health, reason=h))
        for i, (s, h) in enumerate(zip(known.services() * 2, HOSTILE)))
    answer_detail(hostile_detail())
    app = make_app()
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot, 6)
        recorded.clear()
        await app.push_screen(ServicesScreen(cluster, where=ONE))
        await settle(pilot, 6)
        assert app.screen.table.row_count == len(ecs_estate.items["ecs"])
        stream = assert_clean(recorded, "services screen")
        assert "[link=file:///etc/passwd]" in stream or "[bold]x[/bold]" in stream

        recorded.clear()
        await app.push_screen(ServiceScreen(replace(known.worker(), name=ONE, cluster=ONE)))
        for _ in range(4):
            await settle(pilot, 4)
        assert app.screen.tasks.row_count
        stream = assert_clean(recorded, "service screen")
        assert "\u241b]52;c;ZXZpbA==\u2407" in stream, "the hostile text is on screen, as glyphs"
