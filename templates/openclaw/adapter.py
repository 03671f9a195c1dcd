"""The openclaw template's adapter: names the agent for molecule-runtime and, at start, writes OpenClaw's own
configuration ($OPENCLAW_CONFIG_PATH, else ~/.openclaw/openclaw.json) for the provider the environment selects
from the registry: the primary model, and for an endpoint the deployer names, a custom provider.

The registry comes from the first of four places (fleet_adapter.registry): /opt/adapter/config.yaml, the
config.yaml beside this file (what the image ships), $WORKSPACE_CONFIG_PATH/config.yaml, the built-in defaults.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping

from fleet_adapter import ConfigError, Provider, Registry, Selection, load, select, write_config

NAME = "openclaw"  # must match template.yaml `adapter:`
HERE = Path(__file__).resolve().parent

# OpenClaw names a model "<provider>/<model>"; its built-in providers read their keys from the environment.
BUILT_IN: dict[str, Any] = {
    "model": "anthropic/claude-sonnet-4-5",
    "providers": [
        {"name": "anthropic", "credential_env": "ANTHROPIC_API_KEY", "models": ["anthropic/*"]},
        {"name": "openai", "credential_env": "OPENAI_API_KEY", "models": ["openai/*"]},
    ],
}


def config_path(environ: Mapping[str, str]) -> Path:
    if environ.get("OPENCLAW_CONFIG_PATH"):
        return Path(environ["OPENCLAW_CONFIG_PATH"])
    state = environ.get("OPENCLAW_STATE_DIR") or Path(environ.get("HOME") or Path.home()) / ".openclaw"
    return Path(state) / "openclaw.json"


def registry(folder: Path = HERE, environ: Mapping[str, str] | None = None) -> Registry:
    return load(folder, BUILT_IN, environ)


def render(chosen: Registry, selection: Selection, environ: Mapping[str, str]) -> str:
    provider = selection.provider
    config: dict[str, Any] = {"agents": {"defaults": {"model": {"primary": selection.model}}}}
    endpoint = provider.endpoint(environ)
    if endpoint is not None:
        prefix = provider.name + "/"
        model_id = selection.model[len(prefix):] if selection.model.startswith(prefix) else selection.model
        custom: dict[str, Any] = {"baseUrl": endpoint, "api": str(provider.settings.get("api", "openai-completions")),
                                  "models": [{"id": model_id, "name": model_id}]}
        if provider.credential_env:
            custom["apiKey"] = "${" + provider.credential_env + "}"  # OpenClaw substitutes it; the key is never written
        config["models"] = {"mode": "merge", "providers": {provider.name: custom}}
    return json.dumps(config, indent=2) + "\n"


def setup(environ: Mapping[str, str] | None = None, folder: Path = HERE) -> str:
    """Loads the registry, selects the provider, writes openclaw.json; returns the line fleet-entrypoint logs."""
    environ = os.environ if environ is None else environ
    chosen = registry(folder, environ)
    selection = select(chosen, environ)
    written = write_config(config_path(environ), render(chosen, selection, environ))
    return f"{NAME}: {chosen.describe()}; {selection.describe()}; wrote {written}"


class Adapter:
    def name(self) -> str:
        return NAME

    def setup(self) -> str:
        return setup()


OpenclawAdapter = Adapter


def name() -> str:
    return NAME


__all__ = ["Adapter", "BUILT_IN", "ConfigError", "NAME", "Provider", "name", "registry", "render", "setup"]
