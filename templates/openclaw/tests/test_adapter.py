"""The openclaw adapter inside its image, as the runtime loads it (PYTHONPATH=/app, working directory /app), as agent."""

import json
import os
import subprocess
from pathlib import Path

import pytest

import adapter
from fleet_adapter import BUILT_IN, ConfigError

SHIPPED = Path("/app/config.yaml")
MINIMAX = {"MINIMAX_BASE_URL": "http://127.0.0.1:9/anthropic", "MINIMAX_API_KEY": "test-value"}


def test_the_runtime_imports_this_adapter_from_app():
    assert adapter.__file__ == "/app/adapter.py"
    assert adapter.name() == adapter.Adapter().name() == "openclaw"


def test_the_image_ships_its_registry_beside_the_adapter():
    chosen = adapter.registry(environ={})
    assert chosen.source == str(SHIPPED), f"the registry came from {chosen.source}, not {SHIPPED}"
    assert [p.name for p in chosen.providers] == ["anthropic", "openai", "minimax"]


def test_the_provisioner_config_comes_first(provisioned):
    provisioned("model: openai/gpt-5.5\nproviders:\n  - name: openai\n    credential_env: OPENAI_API_KEY\n")
    assert adapter.registry(environ={}).source == "/opt/adapter/config.yaml"


def test_the_workspace_config_then_the_built_in_defaults(tmp_path):
    workspace = tmp_path / "workspace"
    assert adapter.registry(tmp_path, {"WORKSPACE_CONFIG_PATH": str(workspace)}).source == BUILT_IN
    workspace.mkdir()
    (workspace / "config.yaml").write_text("model: openai/gpt-5.5\nproviders:\n  - name: openai\n")
    assert adapter.registry(tmp_path, {"WORKSPACE_CONFIG_PATH": str(workspace)}).source == str(workspace / "config.yaml")


def test_an_unreadable_config_is_refused_not_skipped(tmp_path):
    (tmp_path / "config.yaml").write_text("model: openai/gpt-5.5\n")
    (tmp_path / "config.yaml").chmod(0)
    with pytest.raises(ConfigError, match=r"config.yaml: cannot be read \(Permission denied\)"):
        adapter.setup({"OPENCLAW_STATE_DIR": str(tmp_path / "state")}, tmp_path)
    assert not (tmp_path / "state").exists()


def test_a_config_that_is_not_a_registry_is_refused(tmp_path):
    (tmp_path / "config.yaml").write_text("agents:\n  defaults: {}\n")
    with pytest.raises(ConfigError, match="'model' must name the default model"):
        adapter.registry(tmp_path, {})


@pytest.mark.parametrize("environ, expected", [
    ({}, "anthropic"),
    ({"MOLECULE_MODEL": "openai/gpt-5.5"}, "openai"),
    ({"MOLECULE_PROVIDER": "minimax"}, "minimax"),
    ({"MOLECULE_MODEL": "minimax/MiniMax-M1"}, "minimax"),
])
def test_the_environment_selects_the_provider(environ, expected):
    assert adapter.select(adapter.registry(environ={}), environ).provider.name == expected


def test_a_model_without_a_provider_is_refused():
    with pytest.raises(ConfigError, match="model google/gemini-2.5-pro is served by no provider of /app/config.yaml"):
        adapter.select(adapter.registry(environ={}), {"MOLECULE_MODEL": "google/gemini-2.5-pro"})


def test_config_for_a_built_in_provider_reads_back(tmp_path):
    report = adapter.setup({"OPENCLAW_STATE_DIR": str(tmp_path)})
    assert report.startswith(f"openclaw: providers from {SHIPPED} (beside the adapter); provider anthropic")
    assert json.loads((tmp_path / "openclaw.json").read_text()) == {
        "agents": {"defaults": {"model": {"primary": "anthropic/claude-sonnet-4-5"}}}}


def test_config_for_an_endpoint_reads_back_without_the_key(tmp_path):
    adapter.setup({"OPENCLAW_CONFIG_PATH": str(tmp_path / "c.json"), "MOLECULE_PROVIDER": "minimax", **MINIMAX})
    text = (tmp_path / "c.json").read_text()
    assert json.loads(text) == {
        "agents": {"defaults": {"model": {"primary": "minimax/MiniMax-M2"}}},
        "models": {"mode": "merge", "providers": {"minimax": {
            "baseUrl": MINIMAX["MINIMAX_BASE_URL"], "api": "anthropic-messages",
            "models": [{"id": "MiniMax-M2", "name": "MiniMax-M2"}], "apiKey": "${MINIMAX_API_KEY}"}}},
    }
    assert "test-value" not in text


def test_openclaw_itself_reads_the_config(tmp_path):
    adapter.setup({"OPENCLAW_CONFIG_PATH": str(tmp_path / "openclaw.json"), "MOLECULE_PROVIDER": "minimax", **MINIMAX})
    env = {**os.environ, "OPENCLAW_CONFIG_PATH": str(tmp_path / "openclaw.json"), **MINIMAX}
    # `config get` validates the whole file against OpenClaw's schema first (an invalid file is exit 1).
    primary = subprocess.run(["openclaw", "config", "get", "agents.defaults.model.primary"], env=env, capture_output=True, text=True,
                             timeout=120, stdin=subprocess.DEVNULL)
    assert primary.returncode == 0, primary.stdout + primary.stderr
    assert primary.stdout.strip().splitlines()[-1] == "minimax/MiniMax-M2"
