"""fleet-entrypoint in every image, as root (as ENTRYPOINT runs it), asserting what agent then gets."""

import grp
import os
import pwd
import select
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

ENTRYPOINT = "/usr/local/bin/fleet-entrypoint"
SOCKET = Path("/var/run/docker.sock")
PROVISIONED = Path("/opt/adapter/config.yaml")
AGENT = pwd.getpwnam("agent")


def start(*command: str, timeout: int = 30) -> subprocess.CompletedProcess:
    return subprocess.run([ENTRYPOINT, *command], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(autouse=True)
def as_root():
    assert os.getuid() == 0, "the entrypoint's tests run as root, as the image's ENTRYPOINT does"


@pytest.fixture
def docker_socket():
    """A unix socket at the docker socket's path with a given gid, as a host's mounted socket arrives."""
    made = []

    def make(gid: int) -> None:
        SOCKET.parent.mkdir(parents=True, exist_ok=True)
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(SOCKET))
        os.chown(SOCKET, 0, gid)
        os.chmod(SOCKET, 0o660)
        made.append(server)

    yield make
    for server in made:
        server.close()
    SOCKET.unlink(missing_ok=True)


def test_the_command_runs_as_agent_without_privileges():
    shown = start("sh", "-c", 'id -un; id -u; echo "$HOME"; grep CapEff /proc/self/status')
    assert shown.returncode == 0, shown.stderr
    name, uid, home, caps = shown.stdout.splitlines()
    assert (name, uid, home) == ("agent", str(AGENT.pw_uid), AGENT.pw_dir)
    assert caps.split()[1] == "0000000000000000"


def test_a_root_owned_token_and_homes_become_the_agents():
    # A volume mounted over /configs or /agent-home arrives root-owned, token included.
    Path("/configs").mkdir(exist_ok=True)
    token = Path("/configs/.auth_token")
    token.write_text("token-" + str(time.time_ns()))
    os.chown(token, 0, 0)
    token.chmod(0o600)
    for folder in ("/configs", "/agent-home"):
        os.chown(folder, 0, 0)
    shown = start("sh", "-c", "stat -c '%U %a' /configs/.auth_token /configs /agent-home; cat /configs/.auth_token >/dev/null && echo readable;"
                              " f=/agent-home/.probe-$$ && touch $f && rm $f && echo writable")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines() == ["agent 600", "agent 755", "agent 755", "readable", "writable"]


def test_missing_homes_are_made_for_the_agent():
    shutil.rmtree("/agent-home")
    shown = start("stat", "-c", "%U %a", "/agent-home")
    assert (shown.returncode, shown.stdout.strip()) == (0, "agent 755")


def test_a_socket_gid_the_image_does_not_know_becomes_the_docker_group(docker_socket):
    docker_socket(4242)
    shown = start("id", "-G")
    assert shown.returncode == 0, shown.stderr
    assert "4242" in shown.stdout.split()
    assert grp.getgrnam("docker").gr_gid == 4242
    assert "aligned group docker to the socket's gid 4242" in shown.stderr


def test_a_socket_gid_of_another_group_is_joined_not_renumbered(docker_socket):
    subprocess.run(["groupadd", "--gid", "4343", "fleet-test-other"], check=True)
    try:
        docker_socket(4343)
        docker_gid = grp.getgrnam("docker").gr_gid
        shown = start("id", "-Gn")
        assert "fleet-test-other" in shown.stdout.split()
        assert grp.getgrnam("docker").gr_gid == docker_gid
    finally:
        subprocess.run(["groupdel", "fleet-test-other"], check=True)


def test_a_root_group_socket_is_never_handed_to_the_agent(docker_socket):
    docker_socket(0)
    shown = start("id", "-G")
    assert "0" not in shown.stdout.split()
    assert "owned by group root" in shown.stderr


@pytest.fixture
def broken_provisioner_config():
    PROVISIONED.parent.mkdir(parents=True, exist_ok=True)
    PROVISIONED.write_text("providers: [\n")
    yield PROVISIONED
    shutil.rmtree(PROVISIONED.parent)


def test_a_broken_provider_registry_stops_the_start_naming_the_file(broken_provisioner_config):
    stopped = start("molecule-runtime", timeout=60)
    assert stopped.returncode == 2
    assert f"{broken_provisioner_config}:2:1: not valid YAML" in stopped.stderr
    assert "listening" not in stopped.stdout


def test_the_runtime_starts_as_agent_after_the_adapter_wrote_its_config():
    env = {**os.environ, "RUNTIME_PORT": "18765"}
    runtime = subprocess.Popen([ENTRYPOINT, "molecule-runtime"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([runtime.stdout], [], [], 60)
        assert ready, "the runtime printed nothing within 60 s"
        started = runtime.stdout.readline()
        assert "listening on 0.0.0.0:18765 uid=1000" in started, started
        uid = next(line for line in Path(f"/proc/{runtime.pid}/status").read_text().splitlines() if line.startswith("Uid:"))
        assert uid.split()[1:] == [str(AGENT.pw_uid)] * 4
    finally:
        runtime.terminate()
        _, stderr = runtime.communicate(timeout=30)
    adapter = os.environ.get("ADAPTER_MODULE", "adapter")
    assert "fleet-adapter: " in stderr and "providers from /app/config.yaml (beside the adapter)" in stderr, \
        f"{adapter}'s setup did not report the image's registry:\n{stderr}"
