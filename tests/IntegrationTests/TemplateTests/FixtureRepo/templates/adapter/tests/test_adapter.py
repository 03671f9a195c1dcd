"""The fixture adapter inside its image, as agent, with the image's PYTHONPATH and working directory."""

import json
import os

import adapter


def test_runs_as_agent_with_the_images_python_path():
    assert (os.getuid(), os.getcwd(), adapter.__file__) == (1000, "/app", "/app/adapter.py")


def test_the_registry_is_the_one_shipped_beside_the_adapter():
    source, registry = adapter.registry()
    print(f"registry from {source}")
    assert source == "/app/config.json", f"the registry came from {source}"
    assert registry["providers"][0]["name"] == "shipped"


def test_the_rendered_config_reads_back():
    assert json.loads(adapter.render("m-2")) == {"model": "m-2"}


def test_no_network_but_loopback():
    assert sorted(os.listdir("/sys/class/net")) == ["lo"]
