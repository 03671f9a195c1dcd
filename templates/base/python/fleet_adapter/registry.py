"""An adapter's provider registry: where it comes from, and which provider the environment selects.

Four places, in this order; the first that exists is the registry:
  1. /opt/adapter/config.yaml              written by the provisioner
  2. <the adapter's folder>/config.yaml    shipped in the image beside adapter.py (the one the fleet relies on)
  3. $WORKSPACE_CONFIG_PATH/config.yaml    the workspace's own
  4. the adapter's built-in defaults
A file that exists but cannot be read or parsed is an error that names the file and why; it never falls
back to the built-in providers. (An image that lacked its config once routed every non-Anthropic model to
the built-in OAuth provider, and each call failed with "Not logged in" for 38 hours.)
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import yaml

PROVISIONED = Path("/opt/adapter/config.yaml")
CONFIG_NAME = "config.yaml"
BUILT_IN = "built-in defaults"

# The environment's choice, read at start: a provider by name, or a model whose provider is looked up.
PROVIDER_VARIABLE = "MOLECULE_PROVIDER"
MODEL_VARIABLE = "MOLECULE_MODEL"
WORKSPACE_VARIABLE = "WORKSPACE_CONFIG_PATH"

# Keys a provider entry may carry; anything else is agent-specific and kept in Provider.settings.
_PROVIDER_KEYS = {"name", "model", "models", "credential_env", "base_url_env", "auth"}


class ConfigError(Exception):
    """A registry that exists but cannot be used, or a choice of the environment it cannot serve."""


@dataclass(frozen=True)
class Provider:
    name: str
    models: tuple[str, ...] = ()        # shell-style patterns; none: any model
    model: str | None = None            # its default model, when the environment names it without a model
    credential_env: str | None = None   # the variable that holds its key or token (never the value itself)
    base_url_env: str | None = None     # the variable that holds the endpoint (no host is written in a registry)
    auth: str | None = None             # a login the agent keeps in a file of its own, e.g. chatgpt-oauth
    settings: Mapping[str, Any] = field(default_factory=dict)

    def serves(self, model: str) -> bool:
        return not self.models or any(fnmatch.fnmatchcase(model, pattern) for pattern in self.models)

    def has_credentials(self, environ: Mapping[str, str], logged_in: Callable[[Provider], bool]) -> bool:
        """Whether its key or token is in the environment, or (a login the agent keeps) the adapter finds it."""
        if self.credential_env:
            return bool(environ.get(self.credential_env))
        return self.auth is not None and logged_in(self)

    def endpoint(self, environ: Mapping[str, str]) -> str | None:
        """Its endpoint from $base_url_env; None when it has none (the agent's own default). A provider that
        names the variable cannot run without it."""
        if not self.base_url_env:
            return None
        value = environ.get(self.base_url_env)
        if not value:
            raise ConfigError(f"provider {self.name} needs its endpoint in ${self.base_url_env}, which is not set")
        return value


@dataclass(frozen=True)
class Registry:
    source: str                         # the file's path, or BUILT_IN
    place: str                          # which of the four places
    model: str                          # the default model
    providers: tuple[Provider, ...]
    settings: Mapping[str, Any] = field(default_factory=dict)  # the registry's other keys, for the agent's own config

    def describe(self) -> str:
        return f"providers from {self.source} ({self.place})"

    def provider(self, name: str) -> Provider:
        for provider in self.providers:
            if provider.name == name:
                return provider
        raise ConfigError(f"no provider '{name}' in {self.source}; it has: {', '.join(p.name for p in self.providers)}")


@dataclass(frozen=True)
class Selection:
    provider: Provider
    model: str
    why: str

    def describe(self) -> str:
        return f"provider {self.provider.name} for model {self.model} ({self.why})"


def places(adapter_folder: Path, environ: Mapping[str, str]) -> list[tuple[Path, str]]:
    """The file places, in the order they are tried (the built-in defaults come after them)."""
    found = [(PROVISIONED, "provisioner"), (adapter_folder / CONFIG_NAME, "beside the adapter")]
    workspace = environ.get(WORKSPACE_VARIABLE)
    if workspace:
        found.append((Path(workspace) / CONFIG_NAME, f"${WORKSPACE_VARIABLE}"))
    return found


def load(adapter_folder: Path, built_in: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Registry:
    """The registry from the first place that exists; a file there that cannot be used is a ConfigError."""
    environ = os.environ if environ is None else environ
    for path, place in places(Path(adapter_folder), environ):
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            raise ConfigError(f"{path}: cannot be read ({reason}); fix or remove it, the built-in providers are not used instead") from error
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
            problem = getattr(error, "problem", None) or str(error)
            raise ConfigError(f"{where}: not valid YAML ({problem}); the built-in providers are not used instead") from error
        return _registry(document, str(path), place)
    return _registry(built_in, BUILT_IN, "no config file in any place")


def select(registry: Registry, environ: Mapping[str, str] | None = None,
           logged_in: Callable[[Provider], bool] = lambda provider: False) -> Selection:
    """$MOLECULE_PROVIDER by name; else the first provider serving the model ($MOLECULE_MODEL or the registry's)
    whose credentials are held, else the first serving it. A model nobody serves is an error.
    logged_in tells, for a provider with `auth`, whether the agent's own login is there (the adapter knows where)."""
    environ = os.environ if environ is None else environ
    named = environ.get(PROVIDER_VARIABLE)
    if named:
        provider = registry.provider(named)
        model = environ.get(MODEL_VARIABLE) or provider.model or registry.model
        if not provider.serves(model):
            raise ConfigError(f"${PROVIDER_VARIABLE}={named} does not serve model {model} ({registry.source}: models {', '.join(provider.models)})")
        return Selection(provider, model, f"${PROVIDER_VARIABLE}")
    model = environ.get(MODEL_VARIABLE) or registry.model
    serving = [p for p in registry.providers if p.serves(model)]
    if not serving:
        raise ConfigError(f"model {model} is served by no provider of {registry.source} ({', '.join(p.name for p in registry.providers)}); "
                          f"set ${PROVIDER_VARIABLE}, or ship the registry that serves it")
    for provider in serving:
        if provider.has_credentials(environ, logged_in):
            return Selection(provider, model, "first with credentials in the environment")
    return Selection(serving[0], model, "no provider's credentials are set; the first that serves the model")


def write_config(path: Path, text: str) -> Path:
    """Writes an agent's configuration atomically (a reader never sees half a file), mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def _registry(document: Any, source: str, place: str) -> Registry:
    def refuse(what: str) -> ConfigError:
        return ConfigError(f"{source}: {what}; the built-in providers are not used instead")

    if not isinstance(document, dict):
        raise refuse(f"expected a mapping with 'model' and 'providers', got {type(document).__name__}")
    model = document.get("model")
    if not isinstance(model, str) or not model:
        raise refuse("'model' must name the default model")
    entries = document.get("providers")
    if not isinstance(entries, list) or not entries:
        raise refuse("'providers' must be a non-empty list")
    providers: list[Provider] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"]:
            raise refuse(f"providers[{index}] must be a mapping with a 'name'")
        if any(p.name == entry["name"] for p in providers):
            raise refuse(f"providers[{index}]: provider '{entry['name']}' is listed twice")
        models = entry.get("models", [])
        if not isinstance(models, list) or not all(isinstance(m, str) and m for m in models):
            raise refuse(f"providers[{index}] ({entry['name']}): 'models' must be a list of model names or patterns")
        for key in ("model", "credential_env", "base_url_env", "auth"):
            if key in entry and not (isinstance(entry[key], str) and entry[key]):
                raise refuse(f"providers[{index}] ({entry['name']}): '{key}' must be a non-empty string")
        providers.append(Provider(
            name=entry["name"],
            models=tuple(models),
            model=entry.get("model"),
            credential_env=entry.get("credential_env"),
            base_url_env=entry.get("base_url_env"),
            auth=entry.get("auth"),
            settings={k: v for k, v in entry.items() if k not in _PROVIDER_KEYS},
        ))
    settings = {k: v for k, v in document.items() if k not in ("model", "providers")}
    return Registry(source, place, model, tuple(providers), settings)
