"""moto's per-request overhead, cut without changing a single response.

Measured on moto 5.2.5 (cProfile inside the server), every request pays for:

- ``backends.list_of_moto_modules()``: a ``listdir`` plus ~180 ``stat`` calls of
  moto's package directory, twice per request (the host lookup). The package
  does not change while the server runs, so the listing is taken once.
- ``method_names_from_class``: ``inspect.getmembers`` over the whole response
  class on every call. Cached per class (invalidated when the class gains or
  loses attributes, e.g. an extension patching it).
- The response serializer asks six alias providers, for every member of every
  structure of every item, which attribute names might hold a value. The answer
  depends only on the object's class, the member name and the member's shape,
  so it is memoised on exactly that (objects with an instance-level ``Meta``
  are never cached). Values are still read from each object.
- ``get_account_id_from``: which account signed the request, found by scanning every
  account's IAM backend in every partition (creating the partitions' backends of each
  account on the way): the suite makes an account per test, so the scan grew with the
  run. The answer is remembered per access key until an access key is made or deleted.
"""

from __future__ import annotations

import os
import threading
from typing import Any

_installed = False
_lock = threading.Lock()


def install() -> None:
    global _installed
    if _installed:
        return
    import moto.core.responses as responses
    from moto import backends
    from moto.core import serialize, utils

    modules = tuple(backends.list_of_moto_modules())
    modules_set = frozenset(modules)

    class _Modules(tuple):
        """A tuple whose ``in`` is a set lookup (get_backend_for_host only tests membership)."""

        def __contains__(self, item: object) -> bool:
            return item in modules_set

    cached_modules = _Modules(modules)
    backends.list_of_moto_modules = lambda: cached_modules  # type: ignore[assignment]

    original_names = responses.method_names_from_class
    names_cache: dict[type, tuple[int, frozenset]] = {}

    def method_names_from_class(clazz: Any) -> Any:
        size = sum(len(vars(k)) for k in getattr(clazz, "__mro__", ()))
        entry = names_cache.get(clazz)
        if entry is None or entry[0] != size:
            entry = names_cache[clazz] = (size, frozenset(original_names(clazz)))
        return entry[1]

    responses.method_names_from_class = method_names_from_class

    picker_cls = serialize.XFormedAttributePicker
    disabled = bool(os.environ.get("OPSDECK_DEMO_MOTO_SERIALIZER"))  # tests compare against moto's own
    original_get_value = serialize.ResponseSerializer.get_value
    read = utils.get_value
    missing = utils.MISSING
    keys_cache: dict[tuple, tuple[Any, Any, tuple[str, ...]]] = {}

    def get_value(self: Any, value: Any, key: str, shape: Any) -> Any:
        """ResponseSerializer.get_value and XFormedAttributePicker.__call__ fused, keys memoised."""
        picker = self._value_picker
        if disabled or type(picker) is not picker_cls or picker.alias_providers is not serialize.DEFAULT_ALIAS_PROVIDERS \
                or "Meta" in getattr(value, "__dict__", ()):
            return original_get_value(self, value, key, shape)
        parent = getattr(shape, "parent", None)
        cache_key = (type(value), key, id(shape), id(parent))
        entry = keys_cache.get(cache_key)
        if entry is None or entry[0] is not shape or entry[1] is not parent:
            context = serialize.AttributePickerContext(
                obj=value, key=key, shape=shape, operation_model=self.operation_model,
                service_model=self.operation_model.service_model, key_path=".".join(self.path))
            # keep the shapes referenced so their ids are never reused for other shapes
            entry = (shape, parent, tuple(picker.get_possible_keys(context)))
            with _lock:
                keys_cache[cache_key] = entry
        found = None
        for possible_key in entry[2]:
            candidate = read(value, possible_key, missing)
            if candidate is not missing:
                found = candidate
                break
        transformers = picker.response_transformers
        if transformers:
            key_path = f"{'.'.join(self.path)}.{key}"
            for transform_path, transform in transformers.items():
                if key_path.endswith(transform_path):
                    return transform(found)
        return found

    serialize.ResponseSerializer.get_value = get_value
    _remember_key_accounts()
    _installed = True


def _remember_key_accounts() -> None:
    """moto.iam.models.get_account_id_from, memoised; forgotten whenever IAM makes or deletes
    an access key (a user's, or STS's temporary ones), so every answer is the scan's."""
    from moto.iam import models as iam

    scan = iam.get_account_id_from
    known: dict[str, str] = {}

    def get_account_id_from(access_key: str) -> str:
        account = known.get(access_key)
        if account is None:
            account = scan(access_key)
            with _lock:
                known[access_key] = account
        return account

    def forgetting(method: Any) -> Any:
        def changed_keys(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            finally:
                with _lock:
                    known.clear()
        return changed_keys

    for name in ("create_access_key", "create_temp_access_key", "delete_access_key", "delete_access_key_by_name"):
        setattr(iam.IAMBackend, name, forgetting(getattr(iam.IAMBackend, name)))
    iam.get_account_id_from = get_account_id_from
