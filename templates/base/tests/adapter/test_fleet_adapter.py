"""fleet_adapter, the library every template's adapter loads its provider registry with, as agent."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from fleet_adapter import BUILT_IN, ConfigError, load, select, write_config

BUILT_INS = {"model": "m-1", "providers": [{"name": "built-in", "credential_env": "BUILT_IN_KEY", "models": ["m-*"]}]}


def registry_file(folder: Path, *providers: str, model: str = "m-1") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    entries = "".join(f"  - name: {p}\n" for p in providers)
    (folder / "config.yaml").write_text(f"model: {model}\nproviders:\n{entries}")
    return folder / "config.yaml"


def test_yaml_is_debians_pyyaml_and_nothing_else_of_debians_python_is_visible():
    assert yaml.__file__.startswith("/usr/local/lib/molecule-fleet/python/yaml/")
    assert os.path.realpath(yaml.__file__).startswith("/usr/lib/python3/dist-packages/yaml/")
    assert yaml.__with_libyaml__
    assert "/usr/lib/python3/dist-packages" not in sys.path


def test_the_four_places_in_order(tmp_path, provisioned):
    adapter_folder, workspace = tmp_path / "app", tmp_path / "workspace"
    environ = {"WORKSPACE_CONFIG_PATH": str(workspace)}
    adapter_folder.mkdir()
    assert load(adapter_folder, BUILT_INS, environ).source == BUILT_IN
    registry_file(workspace, "from-workspace")
    assert load(adapter_folder, BUILT_INS, environ).providers[0].name == "from-workspace"
    registry_file(adapter_folder, "beside")
    assert load(adapter_folder, BUILT_INS, environ).place == "beside the adapter"
    provisioned("model: m-1\nproviders:\n  - name: provisioned\n")
    chosen = load(adapter_folder, BUILT_INS, environ)
    assert (chosen.source, chosen.place) == ("/opt/adapter/config.yaml", "provisioner")


@pytest.mark.parametrize("content, reason", [
    ("", "expected a mapping with 'model' and 'providers', got NoneType"),
    ("model: m-1\n", "'providers' must be a non-empty list"),
    ("providers: [{name: a}]\n", "'model' must name the default model"),
    ("model: m-1\nproviders: [{credential_env: X}]\n", "providers[0] must be a mapping with a 'name'"),
    ("model: m-1\nproviders: [{name: a}, {name: a}]\n", "provider 'a' is listed twice"),
    ("model: m-1\nproviders: [{name: a, models: m-*}]\n", "'models' must be a list"),
    ("model: m-1\nproviders: [{name: a, credential_env: 7}]\n", "'credential_env' must be a non-empty string"),
    ("model: m-1\n  providers: []\n", ":2:12: not valid YAML"),
    ("model: m-1\n\tproviders: []\n", ":2:1: not valid YAML"),
])
def test_a_file_that_exists_but_cannot_be_used_is_refused_never_skipped(tmp_path, content, reason):
    (tmp_path / "config.yaml").write_text(content)
    with pytest.raises(ConfigError) as refused:
        load(tmp_path, BUILT_INS, {})
    assert str(refused.value).startswith(str(tmp_path / "config.yaml"))
    assert reason in str(refused.value)


def test_a_folder_where_the_file_should_be_is_refused(tmp_path):
    (tmp_path / "config.yaml").mkdir()
    with pytest.raises(ConfigError, match="cannot be read"):
        load(tmp_path, BUILT_INS, {})


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    (tmp_path / "config.yaml").write_bytes(b"model: \xff\n")
    with pytest.raises(ConfigError, match="cannot be read"):
        load(tmp_path, BUILT_INS, {})


def selected(content: str, environ: dict, logged_in=lambda p: False) -> str:
    return select(yaml_registry(content), environ, logged_in).provider.name


def yaml_registry(content: str):
    from fleet_adapter.registry import _registry
    return _registry(yaml.safe_load(content), "test.yaml", "test")


REGISTRY = """
model: big-1
providers:
  - {name: login, auth: oauth, models: [big-*]}
  - {name: keyed, credential_env: KEYED_KEY, models: [big-*]}
  - {name: other, credential_env: OTHER_KEY, base_url_env: OTHER_URL, models: [small-*], model: small-2}
"""


@pytest.mark.parametrize("environ, logged_in, expected", [
    ({}, False, "login"),                                       # nothing held: the first that serves the model
    ({"KEYED_KEY": "v"}, False, "keyed"),                        # the first with its credentials
    ({"KEYED_KEY": "v"}, True, "login"),                         # the registry's order decides between held ones
    ({"MOLECULE_MODEL": "small-9"}, False, "other"),
    ({"MOLECULE_PROVIDER": "other"}, False, "other"),
])
def test_selection(environ, logged_in, expected):
    assert selected(REGISTRY, environ, lambda p: logged_in) == expected


def test_a_named_provider_brings_its_own_default_model():
    assert select(yaml_registry(REGISTRY), {"MOLECULE_PROVIDER": "other"}).model == "small-2"


@pytest.mark.parametrize("environ, message", [
    ({"MOLECULE_MODEL": "huge-1"}, "model huge-1 is served by no provider of test.yaml"),
    ({"MOLECULE_PROVIDER": "missing"}, "no provider 'missing' in test.yaml; it has: login, keyed, other"),
    ({"MOLECULE_PROVIDER": "other", "MOLECULE_MODEL": "big-1"}, "$MOLECULE_PROVIDER=other does not serve model big-1"),
])
def test_a_choice_the_registry_cannot_serve_is_refused(environ, message):
    with pytest.raises(ConfigError) as refused:
        select(yaml_registry(REGISTRY), environ)
    assert message in str(refused.value)


def test_an_endpoint_comes_from_the_environment_only():
    other = yaml_registry(REGISTRY).provider("other")
    assert other.endpoint({"OTHER_URL": "http://127.0.0.1:9"}) == "http://127.0.0.1:9"
    with pytest.raises(ConfigError, match=r"needs its endpoint in \$OTHER_URL"):
        other.endpoint({})


def test_write_config_is_atomic_and_private(tmp_path):
    target = write_config(tmp_path / "agent" / "config", "first\n")
    write_config(target, "second\n")
    assert target.read_text() == "second\n"
    assert target.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == ["config"]


def setup_hook(folder: Path, module: str, **environ: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(folder), "ADAPTER_MODULE": module, **environ}
    return subprocess.run([sys.executable, "-m", "fleet_adapter", "setup"], env=env, capture_output=True, text=True, timeout=30)


def test_the_start_hook_runs_the_adapters_setup_and_refuses_a_broken_registry(tmp_path):
    (tmp_path / "probe_adapter.py").write_text(
        "from pathlib import Path\nfrom fleet_adapter import load, select\n"
        "BUILT_INS = {'model': 'm-1', 'providers': [{'name': 'built-in'}]}\n"
        "def setup():\n    r = load(Path(__file__).parent, BUILT_INS)\n    return r.describe() + '; ' + select(r).describe()\n")
    started = setup_hook(tmp_path, "probe_adapter")
    assert started.returncode == 0, started.stderr
    assert "fleet-adapter: providers from built-in defaults (no config file in any place); provider built-in" in started.stderr
    registry_file(tmp_path / "ws", "x").write_text("model: [\n")
    refused = setup_hook(tmp_path, "probe_adapter", WORKSPACE_CONFIG_PATH=str(tmp_path / "ws"))
    assert refused.returncode == 2
    assert f"fleet-adapter: probe_adapter: {tmp_path}/ws/config.yaml:2:1: not valid YAML" in refused.stderr


def test_the_start_hook_names_an_adapter_it_cannot_import(tmp_path):
    missing = setup_hook(tmp_path, "no_such_adapter")
    assert missing.returncode == 2 and "cannot import adapter module 'no_such_adapter'" in missing.stderr
