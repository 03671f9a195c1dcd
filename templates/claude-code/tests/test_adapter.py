"""The claude-code adapter inside its image, as the runtime loads it (PYTHONPATH=/app, working directory /app),
as agent (Claude Code refuses to run as root)."""

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
    assert adapter.name() == adapter.Adapter().name() == "claude-code"
    assert os.getuid() != 0


def test_the_image_ships_its_registry_beside_the_adapter():
    # Without COPY config.yaml, MiniMax/GLM models had no provider and used to fall to the subscription login.
    chosen = adapter.registry(environ={})
    assert chosen.source == str(SHIPPED), f"the registry came from {chosen.source}, not {SHIPPED}"
    assert [p.name for p in chosen.providers] == ["claude-subscription", "anthropic", "minimax", "glm"]


def test_the_provisioner_config_comes_first(provisioned):
    provisioned("model: claude-opus-4-1\nproviders:\n  - name: provisioned\n    credential_env: ANTHROPIC_API_KEY\n")
    assert adapter.registry(environ={}).source == "/opt/adapter/config.yaml"


def test_the_workspace_config_when_no_file_ships(tmp_path):
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "config.yaml").write_text("model: claude-opus-4-1\nproviders:\n  - name: workspace\n")
    assert adapter.registry(tmp_path, {"WORKSPACE_CONFIG_PATH": str(workspace)}).source == str(workspace / "config.yaml")


def test_the_built_in_defaults_come_last_and_serve_anthropic_only(tmp_path):
    chosen = adapter.registry(tmp_path, {})
    assert chosen.source == BUILT_IN
    with pytest.raises(ConfigError, match="model MiniMax-M2 is served by no provider of built-in defaults"):
        adapter.select(chosen, {"MOLECULE_MODEL": "MiniMax-M2", "CLAUDE_CODE_OAUTH_TOKEN": "test-value"})


@pytest.mark.parametrize("content, reason", [
    ("model: claude-sonnet-4-5\nproviders:\n  - name: a\n   credential_env: X\n", "config.yaml:4:4: not valid YAML"),
    ("model: claude-sonnet-4-5\nproviders: []\n", "'providers' must be a non-empty list"),
])
def test_a_broken_config_is_refused_naming_the_file(tmp_path, content, reason):
    (tmp_path / "config.yaml").write_text(content)
    with pytest.raises(ConfigError) as refused:
        adapter.setup({"HOME": str(tmp_path)}, tmp_path)
    assert reason in str(refused.value) and str(tmp_path / "config.yaml") in str(refused.value)
    assert not (tmp_path / ".claude").exists()


def test_an_unreadable_config_is_refused_not_skipped(tmp_path):
    (tmp_path / "config.yaml").write_text("model: claude-sonnet-4-5\n")
    (tmp_path / "config.yaml").chmod(0)
    with pytest.raises(ConfigError, match=r"cannot be read \(Permission denied\)"):
        adapter.registry(tmp_path, {})


@pytest.mark.parametrize("environ, expected", [
    ({}, "claude-subscription"),
    ({"ANTHROPIC_API_KEY": "test-value"}, "anthropic"),
    ({"ANTHROPIC_API_KEY": "test-value", "CLAUDE_CODE_OAUTH_TOKEN": "test-value"}, "claude-subscription"),
    ({"MOLECULE_MODEL": "MiniMax-M2"}, "minimax"),
    ({"MOLECULE_MODEL": "glm-4.6", "ZAI_API_KEY": "test-value"}, "glm"),
    ({"MOLECULE_PROVIDER": "anthropic"}, "anthropic"),
])
def test_the_environment_selects_the_provider(environ, expected):
    assert adapter.select(adapter.registry(environ={}), environ).provider.name == expected


def written(tmp_path, **environ) -> dict:
    report = adapter.setup({"CLAUDE_CONFIG_DIR": str(tmp_path / "claude"), **environ})
    assert report.startswith(f"claude-code: providers from {SHIPPED} (beside the adapter)")
    path = tmp_path / "claude" / "settings.json"
    assert path.stat().st_mode & 0o777 == 0o600
    return json.loads(path.read_text())


def test_settings_for_the_subscription(tmp_path):
    assert written(tmp_path, CLAUDE_CODE_OAUTH_TOKEN="test-value") == {
        "model": "claude-sonnet-4-5", "permissions": {"defaultMode": "acceptEdits"}}


def test_settings_for_an_anthropic_compatible_endpoint(tmp_path):
    settings = written(tmp_path, MOLECULE_PROVIDER="minimax", **MINIMAX)
    assert settings == {
        "model": "MiniMax-M2",
        "permissions": {"defaultMode": "acceptEdits"},
        "env": {"ANTHROPIC_BASE_URL": MINIMAX["MINIMAX_BASE_URL"]},
        "apiKeyHelper": "printenv MINIMAX_API_KEY",
    }
    assert "test-value" not in (tmp_path / "claude" / "settings.json").read_text()


def test_settings_go_to_the_agents_home_by_default(tmp_path):
    adapter.setup({"HOME": str(tmp_path)})
    assert json.loads((tmp_path / ".claude" / "settings.json").read_text())["model"] == "claude-sonnet-4-5"


def test_claude_code_itself_reads_the_settings(tmp_path):
    settings = written(tmp_path, MOLECULE_PROVIDER="minimax", **MINIMAX)
    env = {**os.environ, "CLAUDE_CONFIG_DIR": str(tmp_path / "claude"), **MINIMAX}
    status = subprocess.run(["claude", "auth", "status"], env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["apiKeySource"] == "apiKeyHelper"  # from the settings' apiKeyHelper
    doctor = subprocess.run(["claude", "doctor"], env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert "Invalid settings" not in doctor.stdout + doctor.stderr, doctor.stdout
    assert "ANTHROPIC_BASE_URL is set" in doctor.stdout  # from the settings' env
    assert settings["model"] == "MiniMax-M2"
