"""The codex adapter inside its image, as the runtime loads it (PYTHONPATH=/app, working directory /app), as agent."""

import os
import subprocess
import tomllib
from pathlib import Path

import pytest

import adapter
from fleet_adapter import BUILT_IN, ConfigError

SHIPPED = Path("/app/config.yaml")
PROVISIONED = Path("/opt/adapter/config.yaml")
MINIMAX = {"MINIMAX_BASE_URL": "http://127.0.0.1:9/v1", "MINIMAX_API_KEY": "test-value"}


def test_the_runtime_imports_this_adapter_from_app():
    assert adapter.__file__ == "/app/adapter.py"
    assert adapter.name() == adapter.Adapter().name() == "codex"


def test_the_image_ships_its_registry_beside_the_adapter():
    # The place the fleet relies on: without COPY config.yaml every model would fall to the built-in providers.
    chosen = adapter.registry(environ={})
    assert chosen.source == str(SHIPPED), f"the registry came from {chosen.source}, not {SHIPPED}"
    assert [p.name for p in chosen.providers] == ["openai", "openai-api-key", "minimax"]


def test_the_provisioner_config_comes_first(provisioned):
    provisioned("model: gpt-5.5\nproviders:\n  - name: provisioned\n    credential_env: PROVISIONED_KEY\n")
    chosen = adapter.registry(environ={})
    assert (chosen.source, [p.name for p in chosen.providers]) == (str(PROVISIONED), ["provisioned"])


def test_the_workspace_config_when_no_file_ships(tmp_path):
    (tmp_path / "workspace").mkdir()
    (tmp_path / "workspace" / "config.yaml").write_text("model: gpt-5.5\nproviders:\n  - name: workspace\n    auth: chatgpt-oauth\n")
    chosen = adapter.registry(tmp_path, {"WORKSPACE_CONFIG_PATH": str(tmp_path / "workspace")})
    assert chosen.source == str(tmp_path / "workspace" / "config.yaml")


def test_the_built_in_defaults_come_last(tmp_path):
    chosen = adapter.registry(tmp_path, {"WORKSPACE_CONFIG_PATH": str(tmp_path / "nothing-here")})
    assert chosen.source == BUILT_IN
    assert [p.name for p in chosen.providers] == ["openai", "openai-api-key"]


@pytest.mark.parametrize("content, reason", [
    ("model: [gpt-5.5\n", "config.yaml:2:1: not valid YAML"),
    ("model: gpt-5.5\nproviders: openai\n", "'providers' must be a non-empty list"),
    ("- just\n- a list\n", "expected a mapping"),
])
def test_a_broken_config_is_refused_naming_the_file(tmp_path, content, reason):
    (tmp_path / "config.yaml").write_text(content)
    with pytest.raises(ConfigError) as refused:
        adapter.registry(tmp_path, {})
    assert str(tmp_path / "config.yaml") in str(refused.value)
    assert reason in str(refused.value)
    assert "built-in providers are not used instead" in str(refused.value)


def test_an_unreadable_config_is_refused_not_skipped(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("model: gpt-5.5\n")
    config.chmod(0)
    assert os.getuid() != 0, "this test means something only as the agent"
    with pytest.raises(ConfigError, match=r"config.yaml: cannot be read \(Permission denied\)"):
        adapter.registry(tmp_path, {})


@pytest.mark.parametrize("environ, signed_in, expected", [
    ({}, True, "openai"),
    ({"OPENAI_API_KEY": "test-value"}, False, "openai-api-key"),
    ({}, False, "openai"),
    ({"MOLECULE_MODEL": "MiniMax-M2", **MINIMAX}, True, "minimax"),
    ({"MOLECULE_PROVIDER": "openai-api-key"}, True, "openai-api-key"),
])
def test_the_environment_selects_the_provider(tmp_path, environ, signed_in, expected):
    home = tmp_path / "codex"
    if signed_in:
        home.mkdir()
        (home / "auth.json").write_text("{}")
    chosen = adapter.registry(environ={})
    selection = adapter.select(chosen, environ, adapter.signed_in({"CODEX_HOME": str(home)}))
    assert selection.provider.name == expected


def test_a_model_the_registry_does_not_serve_is_refused():
    with pytest.raises(ConfigError, match="model MiniMax-M2 is served by no provider of built-in defaults"):
        adapter.select(adapter.registry(Path("/nonexistent"), {}), {"MOLECULE_MODEL": "MiniMax-M2"})
    with pytest.raises(ConfigError, match="no provider 'nope'"):
        adapter.select(adapter.registry(environ={}), {"MOLECULE_PROVIDER": "nope"})


def test_setup_renders_config_toml_for_an_endpoint_provider(tmp_path):
    environ = {"CODEX_HOME": str(tmp_path), "MOLECULE_PROVIDER": "minimax", **MINIMAX}
    report = adapter.setup(environ)
    assert report.startswith(f"codex: providers from {SHIPPED} (beside the adapter); provider minimax")
    config = tomllib.loads((tmp_path / "config.toml").read_text())
    assert config["model"] == "MiniMax-M2" and config["model_provider"] == "minimax"
    assert config["model_providers"]["minimax"] == {
        "name": "minimax", "base_url": MINIMAX["MINIMAX_BASE_URL"], "wire_api": "responses", "env_key": "MINIMAX_API_KEY"}
    assert (config["approval_policy"], config["sandbox_mode"]) == ("never", "workspace-write")
    assert "test-value" not in (tmp_path / "config.toml").read_text()  # the key stays in the environment
    assert (tmp_path / "config.toml").stat().st_mode & 0o777 == 0o600


def test_setup_renders_chatgpt_sign_in_for_openai(tmp_path):
    (tmp_path / "auth.json").write_text("{}")
    adapter.setup({"CODEX_HOME": str(tmp_path)})
    config = tomllib.loads((tmp_path / "config.toml").read_text())
    assert (config["model_provider"], config["forced_login_method"]) == ("openai", "chatgpt")
    assert "model_providers" not in config


def test_an_endpoint_provider_without_its_endpoint_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"provider minimax needs its endpoint in \$MINIMAX_BASE_URL"):
        adapter.setup({"CODEX_HOME": str(tmp_path), "MOLECULE_PROVIDER": "minimax"})
    assert not (tmp_path / "config.toml").exists()


def test_codex_itself_reads_the_rendered_config(tmp_path):
    adapter.setup({"CODEX_HOME": str(tmp_path), "MOLECULE_PROVIDER": "minimax", **MINIMAX})
    env = {**os.environ, "CODEX_HOME": str(tmp_path), **MINIMAX}
    shown = subprocess.run(["codex", "mcp", "list"], env=env, capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    # It checks what it reads: the provider the config names must be defined.
    (tmp_path / "config.toml").write_text((tmp_path / "config.toml").read_text().replace('model_provider = "minimax"', 'model_provider = "elsewhere"'))
    broken = subprocess.run(["codex", "mcp", "list"], env=env, capture_output=True, text=True, timeout=60)
    assert broken.returncode != 0 and "Model provider `elsewhere` not found" in broken.stderr
