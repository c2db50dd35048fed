"""The executions pager asks for the next page only when the screen shows every page it
has read: a screen that has not drawn the newest page yet (its last row is not the end)
must not read a further page, nor the first page again (CI run 19 read ListExecutions
four times for three pages that way)."""

from __future__ import annotations

from console.aws.clients import ClientPool
from console.aws.context import AwsContext
from console.clock import ManualClock
from console.demo import control
from console.services.stepfunctions.executions import ExecutionPager
from console.target import Target
from tests.sfn_tui.conftest import PASS, account, create, start_runs, wait_for_statuses  # noqa: F401


def list_calls(account) -> int:
    return control.count_of(control.request_counts(account.endpoint), "stepfunctions", "ListExecutions", account.id)


async def test_a_next_page_is_read_once_and_only_when_the_screen_has_shown_the_last(account):
    machine = create(account, "paged", definition=PASS)
    start_runs(account, machine, [{"n": i} for i in range(45)])
    wait_for_statuses(account, machine, {"SUCCEEDED": 45})
    pool = ClientPool(ManualClock())
    try:
        ctx = AwsContext(pool, Target(None, "us-east-1", account.endpoint))
        pager = ExecutionPager(machine, page_size=20)
        control.reset_request_counts(account.endpoint)
        assert not pager.ask_more(0)  # nothing listed yet
        page = await pager.fetch(ctx)
        assert (len(page.executions), page.pages, page.more) == (20, 1, True)

        assert pager.ask_more(1)
        assert not pager.ask_more(1)  # already asked for
        page = await pager.fetch(ctx)
        assert (len(page.executions), page.pages) == (40, 2)
        assert not pager.ask_more(1)  # the screen still shows one page: its last row is not the end
        assert pager.ask_more(2)
        page = await pager.fetch(ctx)
        assert (len(page.executions), page.pages, page.more) == (45, 3, False)
        assert not pager.ask_more(3)  # every execution is loaded
        assert list_calls(account) == 3

        await pager.fetch(ctx)  # a later tick reads the newest page again, and keeps the rest
        assert list_calls(account) == 4 and len(pager.snapshot().executions) == 45
    finally:
        await pool.close()
