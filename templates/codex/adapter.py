"""The codex template's adapter: names the agent for molecule-runtime and, at start, writes codex's own
configuration ($CODEX_HOME/config.toml) for the provider the environment selects from the registry.

The registry comes from the first of four places (fleet_adapter.registry): /opt/adapter/config.yaml, the
config.yaml beside this file (what the image ships), $WORKSPACE_CONFIG_PATH/config.yaml, the built-in defaults.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping

from fleet_adapter import ConfigError, Provider, Registry, Selection, load, select, write_config

NAME = "codex"  # must match template.yaml `adapter:`
HERE = Path(__file__).resolve().parent

# Without any config file: ChatGPT sign-in, else an API key, for OpenAI's models only.
BUILT_IN: dict[str, Any] = {
    "model": "gpt-5.5",
    "providers": [
        {"name": "openai", "auth": "chatgpt-oauth", "models": ["gpt-*", "o[0-9]*"]},
        {"name": "openai-api-key", "credential_env": "OPENAI_API_KEY", "models": ["gpt-*", "o[0-9]*"]},
    ],
}

# codex's own provider id for OpenAI; a registry entry without an endpoint uses it.
CODEX_OPENAI = "openai"
AUTH_METHODS = {"chatgpt-oauth": "chatgpt"}


def codex_home(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("CODEX_HOME") or Path(environ.get("HOME") or Path.home()) / ".codex")


def registry(folder: Path = HERE, environ: Mapping[str, str] | None = None) -> Registry:
    return load(folder, BUILT_IN, environ)


def signed_in(environ: Mapping[str, str]):
    """A ChatGPT sign-in is held when $CODEX_HOME/auth.json exists (codex_auth_refresh.sh keeps it fresh)."""
    return lambda provider: (codex_home(environ) / "auth.json").is_file()


def render(chosen: Registry, selection: Selection, environ: Mapping[str, str]) -> str:
    """config.toml for the selected provider: codex's built-in OpenAI provider, or a [model_providers] table."""
    provider = selection.provider
    endpoint = provider.endpoint(environ)
    lines = [
        f"# Written at start by the codex adapter from {chosen.source}; edits are replaced at the next start.",
        f"model = {toml_string(selection.model)}",
        f"model_provider = {toml_string(CODEX_OPENAI if endpoint is None else provider.name)}",
    ]
    for key in ("approval_policy", "sandbox_mode"):
        if isinstance(chosen.settings.get(key), str):
            lines.append(f"{key} = {toml_string(chosen.settings[key])}")
    if endpoint is None:
        lines.append(f"forced_login_method = {toml_string(AUTH_METHODS.get(provider.auth or '', 'api'))}")
    else:
        lines += [
            "",
            f"[model_providers.{toml_key(provider.name)}]",
            f"name = {toml_string(provider.name)}",
            f"base_url = {toml_string(endpoint)}",
            f"wire_api = {toml_string(str(provider.settings.get('wire_api', 'responses')))}",
        ]
        if provider.credential_env:
            lines.append(f"env_key = {toml_string(provider.credential_env)}")
    return "\n".join(lines) + "\n"


def setup(environ: Mapping[str, str] | None = None, folder: Path = HERE) -> str:
    """Loads the registry, selects the provider, writes config.toml; returns the line fleet-entrypoint logs."""
    environ = os.environ if environ is None else environ
    chosen = registry(folder, environ)
    selection = select(chosen, environ, signed_in(environ))
    written = write_config(codex_home(environ) / "config.toml", render(chosen, selection, environ))
    return f"{NAME}: {chosen.describe()}; {selection.describe()}; wrote {written}"


def toml_string(value: str) -> str:
    # A JSON string is a TOML basic string: the same escapes (json.dumps writes \\uXXXX for control characters).
    return json.dumps(value, ensure_ascii=False)


def toml_key(value: str) -> str:
    return value if value.replace("-", "").replace("_", "").isalnum() and value.isascii() else toml_string(value)


class Adapter:
    def name(self) -> str:
        return NAME

    def setup(self) -> str:
        return setup()


CodexAdapter = Adapter


def name() -> str:
    return NAME


__all__ = ["Adapter", "BUILT_IN", "ConfigError", "NAME", "Provider", "name", "registry", "render", "setup"]
