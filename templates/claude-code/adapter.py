"""The claude-code template's adapter: names the agent for molecule-runtime and, at start, writes Claude Code's
user settings ($CLAUDE_CONFIG_DIR/settings.json, else ~/.claude/settings.json) for the provider the
environment selects from the registry.

The registry comes from the first of four places (fleet_adapter.registry): /opt/adapter/config.yaml, the
config.yaml beside this file (what the image ships), $WORKSPACE_CONFIG_PATH/config.yaml, the built-in defaults.
The built-in defaults serve Anthropic's models only: a MiniMax or GLM model with them is refused at start,
never sent to the subscription login.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping

from fleet_adapter import ConfigError, Provider, Registry, Selection, load, select, write_config

NAME = "claude-code"  # must match template.yaml `adapter:`
HERE = Path(__file__).resolve().parent

BUILT_IN: dict[str, Any] = {
    "model": "claude-sonnet-4-5",
    "providers": [
        {"name": "claude-subscription", "credential_env": "CLAUDE_CODE_OAUTH_TOKEN", "models": ["claude-*"]},
        {"name": "anthropic", "credential_env": "ANTHROPIC_API_KEY", "models": ["claude-*"]},
    ],
}

# The variables Claude Code itself reads for Anthropic's own endpoint; any other credential goes through apiKeyHelper.
OWN_CREDENTIALS = {"CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"}


def settings_path(environ: Mapping[str, str]) -> Path:
    folder = environ.get("CLAUDE_CONFIG_DIR") or Path(environ.get("HOME") or Path.home()) / ".claude"
    return Path(folder) / "settings.json"


def registry(folder: Path = HERE, environ: Mapping[str, str] | None = None) -> Registry:
    return load(folder, BUILT_IN, environ)


def render(chosen: Registry, selection: Selection, environ: Mapping[str, str]) -> str:
    """settings.json: the model, the permission mode, and for another endpoint its URL and a key helper that
    prints the key from the environment when Claude Code asks (the key itself is never written)."""
    provider = selection.provider
    settings: dict[str, Any] = {"model": selection.model}
    if isinstance(chosen.settings.get("permission_mode"), str):
        settings["permissions"] = {"defaultMode": chosen.settings["permission_mode"]}
    endpoint = provider.endpoint(environ)
    if endpoint is not None:
        settings["env"] = {"ANTHROPIC_BASE_URL": endpoint}
    if provider.credential_env and (endpoint is not None or provider.credential_env not in OWN_CREDENTIALS):
        settings["apiKeyHelper"] = f"printenv {provider.credential_env}"
    return json.dumps(settings, indent=2) + "\n"


def setup(environ: Mapping[str, str] | None = None, folder: Path = HERE) -> str:
    """Loads the registry, selects the provider, writes settings.json; returns the line fleet-entrypoint logs."""
    environ = os.environ if environ is None else environ
    chosen = registry(folder, environ)
    selection = select(chosen, environ)
    written = write_config(settings_path(environ), render(chosen, selection, environ))
    return f"{NAME}: {chosen.describe()}; {selection.describe()}; wrote {written}"


class Adapter:
    def name(self) -> str:
        return NAME

    def setup(self) -> str:
        return setup()


ClaudeCodeAdapter = Adapter


def name() -> str:
    return NAME


__all__ = ["Adapter", "BUILT_IN", "ConfigError", "NAME", "Provider", "name", "registry", "render", "setup"]
