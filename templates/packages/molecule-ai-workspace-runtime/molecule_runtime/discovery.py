"""Adapter discovery: the template's ADAPTER_MODULE names the agent it wraps."""

import importlib
import os

DEFAULT_MODULE = "adapter"


class AdapterError(Exception):
    """The template's adapter is missing or does not say its name."""


def load_adapter_name() -> str:
    module_name = os.environ.get("ADAPTER_MODULE") or DEFAULT_MODULE
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise AdapterError(
            f"cannot import adapter module {module_name!r} ({error}); "
            "the template must ship it on PYTHONPATH (e.g. /app/adapter.py)"
        ) from error

    # A module-level name() wins; otherwise ask the template's Adapter class.
    func = getattr(module, "name", None)
    if not callable(func):
        adapter_class = getattr(module, "Adapter", None)
        func = getattr(adapter_class() if adapter_class else None, "name", None)
    if not callable(func):
        raise AdapterError(f"adapter module {module_name!r} defines neither name() nor Adapter.name()")

    value = func()
    if not isinstance(value, str) or not value:
        raise AdapterError(f"adapter module {module_name!r} returned an empty or non-string name")
    return value
