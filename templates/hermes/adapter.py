"""The hermes template's adapter: names the agent for molecule-runtime and, at start, writes Hermes' own
configuration ($HERMES_HOME/config.yaml, else ~/.hermes/config.yaml: its `model` section) for the provider the
environment selects from the registry.

The registry comes from the first of four places (fleet_adapter.registry): /opt/adapter/config.yaml, the
config.yaml beside this file (what the image ships), $WORKSPACE_CONFIG_PATH/config.yaml, the built-in defaults.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

import yaml

from fleet_adapter import ConfigError, Provider, Registry, Selection, load, select, write_config

NAME = "hermes"  # must match template.yaml `adapter:`
HERE = Path(__file__).resolve().parent

BUILT_IN: dict[str, Any] = {
    "model": "nous/hermes-4-70b",
    "providers": [{"name": "openrouter", "credential_env": "OPENROUTER_API_KEY"}],
}

# Hermes' name for any OpenAI-compatible endpoint; its key is read from the variable the registry names,
# through Hermes' own ${VAR} substitution, so the key is never written.
CUSTOM = "custom"


def hermes_home(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("HERMES_HOME") or Path(environ.get("HOME") or Path.home()) / ".hermes")


def registry(folder: Path = HERE, environ: Mapping[str, str] | None = None) -> Registry:
    return load(folder, BUILT_IN, environ)


def render(chosen: Registry, selection: Selection, environ: Mapping[str, str]) -> str:
    provider = selection.provider
    endpoint = provider.endpoint(environ)
    model: dict[str, Any] = {"default": selection.model, "provider": provider.name if endpoint is None else CUSTOM}
    if endpoint is not None:
        model["base_url"] = endpoint
        if provider.credential_env:
            model["api_key"] = "${" + provider.credential_env + "}"
    header = f"# Written at start by the hermes adapter from {chosen.source} (provider {provider.name}); edits are replaced.\n"
    return header + yaml.safe_dump({"model": model}, sort_keys=False)


def setup(environ: Mapping[str, str] | None = None, folder: Path = HERE) -> str:
    """Loads the registry, selects the provider, writes Hermes' config.yaml; returns the line fleet-entrypoint logs."""
    environ = os.environ if environ is None else environ
    chosen = registry(folder, environ)
    selection = select(chosen, environ)
    written = write_config(hermes_home(environ) / "config.yaml", render(chosen, selection, environ))
    return f"{NAME}: {chosen.describe()}; {selection.describe()}; wrote {written}"


class Adapter:
    def name(self) -> str:
        return NAME

    def setup(self) -> str:
        return setup()


HermesAdapter = Adapter


def name() -> str:
    return NAME


__all__ = ["Adapter", "BUILT_IN", "ConfigError", "NAME", "Provider", "name", "registry", "render", "setup"]
