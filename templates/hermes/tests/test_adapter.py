"""The hermes adapter inside its image, as the runtime loads it (PYTHONPATH=/app, working directory /app), as agent."""

from pathlib import Path

import pytest
import yaml

import adapter
from fleet_adapter import BUILT_IN, ConfigError

SHIPPED = Path("/app/config.yaml")
ENDPOINT = {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_API_KEY": "test-value"}


def test_the_runtime_imports_this_adapter_from_app():
    assert adapter.__file__ == "/app/adapter.py"
    assert adapter.name() == adapter.Adapter().name() == "hermes"


def test_the_image_ships_its_registry_beside_the_adapter():
    chosen = adapter.registry(environ={})
    assert chosen.source == str(SHIPPED), f"the registry came from {chosen.source}, not {SHIPPED}"
    assert [p.name for p in chosen.providers] == ["openrouter", "openai-compatible"]


def test_the_provisioner_config_comes_first(provisioned):
    provisioned("model: nous/hermes-4-405b\nproviders:\n  - name: nous\n    auth: nous-portal\n")
    chosen = adapter.registry(environ={})
    assert (chosen.source, chosen.model) == ("/opt/adapter/config.yaml", "nous/hermes-4-405b")


def test_the_workspace_config_then_the_built_in_defaults(tmp_path):
    workspace = tmp_path / "workspace"
    assert adapter.registry(tmp_path, {"WORKSPACE_CONFIG_PATH": str(workspace)}).source == BUILT_IN
    workspace.mkdir()
    (workspace / "config.yaml").write_text("model: a/b\nproviders:\n  - name: openrouter\n")
    assert adapter.registry(tmp_path, {"WORKSPACE_CONFIG_PATH": str(workspace)}).source == str(workspace / "config.yaml")


def test_a_broken_workspace_config_is_refused_not_replaced_by_the_built_in_defaults(tmp_path):
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "config.yaml").write_text("model: a/b\nproviders:\n  - name: x\n  base_url_env: Y\n")
    with pytest.raises(ConfigError) as refused:
        adapter.setup({"HERMES_HOME": str(tmp_path / "home"), "WORKSPACE_CONFIG_PATH": str(workspace)}, tmp_path)
    assert f"{workspace}/config.yaml:4:3: not valid YAML" in str(refused.value)
    assert not (tmp_path / "home").exists()


@pytest.mark.parametrize("environ, expected", [
    ({}, "openrouter"),
    ({"OPENROUTER_API_KEY": "test-value"}, "openrouter"),
    (ENDPOINT, "openai-compatible"),
    ({"MOLECULE_PROVIDER": "openai-compatible"}, "openai-compatible"),
])
def test_the_environment_selects_the_provider(environ, expected):
    assert adapter.select(adapter.registry(environ={}), environ).provider.name == expected


def test_config_for_openrouter_reads_back(tmp_path):
    report = adapter.setup({"HERMES_HOME": str(tmp_path), "OPENROUTER_API_KEY": "test-value"})
    assert report.startswith(f"hermes: providers from {SHIPPED} (beside the adapter); provider openrouter")
    assert yaml.safe_load((tmp_path / "config.yaml").read_text()) == {"model": {"default": "nous/hermes-4-70b", "provider": "openrouter"}}


def test_config_for_an_endpoint_reads_back_without_the_key(tmp_path):
    adapter.setup({"HERMES_HOME": str(tmp_path), "MOLECULE_MODEL": "qwen3-coder", **ENDPOINT})
    text = (tmp_path / "config.yaml").read_text()
    assert yaml.safe_load(text) == {"model": {
        "default": "qwen3-coder", "provider": "custom", "base_url": ENDPOINT["OPENAI_BASE_URL"], "api_key": "${OPENAI_API_KEY}"}}
    assert "test-value" not in text
    assert (tmp_path / "config.yaml").stat().st_mode & 0o777 == 0o600


def test_an_endpoint_provider_without_its_endpoint_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"needs its endpoint in \$OPENAI_BASE_URL"):
        adapter.setup({"HERMES_HOME": str(tmp_path), "MOLECULE_PROVIDER": "openai-compatible"})
