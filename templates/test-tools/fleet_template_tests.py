"""pytest plugin of TemplateTests (`-p fleet_template_tests`): fixtures every suite may use, shipped with the test
tooling only, never in an image."""

import subprocess
from pathlib import Path

import pytest

PROVISIONED = Path("/opt/adapter/config.yaml")


@pytest.fixture
def provisioned():
    """Writes /opt/adapter/config.yaml as the provisioner would (root-owned; as agent through its sudo), then removes it."""
    assert not PROVISIONED.exists(), f"{PROVISIONED} is in the image; nothing may ship there"

    def write(text: str) -> None:
        subprocess.run(["sudo", "-n", "mkdir", "-p", str(PROVISIONED.parent)], check=True)
        subprocess.run(["sudo", "-n", "tee", str(PROVISIONED)], input=text, text=True, stdout=subprocess.DEVNULL, check=True)

    yield write
    subprocess.run(["sudo", "-n", "rm", "-rf", str(PROVISIONED.parent)], check=True)
