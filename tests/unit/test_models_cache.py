"""Sessions share one botocore data loader (console/aws/models_cache.py): a new session,
made per profile and again after credentials are renewed, reads no service model twice."""

from __future__ import annotations

from console.aws.credentials import build_session


async def test_two_sessions_read_a_service_model_once():
    first, second = build_session(None), build_session(None)
    assert first.get_component("data_loader") is second.get_component("data_loader")
    model = await first.get_service_model("lambda")
    assert (await second.get_service_model("lambda"))._service_description is model._service_description
