"""molecule-askpass in every image, as agent (whose git asks it): environment only, GIT_HTTP_* before GITEA_*."""

import os
import subprocess
import time
from pathlib import Path

import pytest

ASKPASS = "/usr/local/bin/molecule-askpass"
CREDENTIALS = {"GIT_HTTP_USERNAME", "GIT_HTTP_PASSWORD", "GITEA_USER", "GITEA_TOKEN"}


def ask(prompt: str, **credentials: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in CREDENTIALS} | credentials
    return subprocess.run([ASKPASS, prompt], env=env, capture_output=True, text=True, timeout=10)


def secret(name: str) -> str:
    # Assembled at run time: no credential-shaped value is written in the repository.
    return f"{name}-{os.getpid()}-{time.time_ns()}"


@pytest.mark.parametrize("prompt, variable", [
    ("Username for 'https://git.example': ", "GIT_HTTP_USERNAME"),
    ("Password for 'https://someone@git.example': ", "GIT_HTTP_PASSWORD"),
])
def test_git_http_variables_answer_first(prompt, variable):
    value = secret("http")
    fallback = {"GITEA_USER": secret("gitea"), "GITEA_TOKEN": secret("gitea")}
    answered = ask(prompt, **{variable: value}, **fallback)
    assert (answered.returncode, answered.stdout) == (0, value + "\n")


@pytest.mark.parametrize("prompt, variable", [
    ("Username for 'https://git.example': ", "GITEA_USER"),
    ("Password for 'https://someone@git.example': ", "GITEA_TOKEN"),
])
def test_gitea_variables_are_the_fallback(prompt, variable):
    value = secret("gitea")
    answered = ask(prompt, **{variable: value})
    assert (answered.returncode, answered.stdout) == (0, value + "\n")


def test_nothing_set_is_a_clear_failure_without_an_answer():
    answered = ask("Password for 'https://git.example': ")
    assert answered.returncode == 1 and answered.stdout == ""
    assert "GIT_HTTP_PASSWORD (or GITEA_TOKEN) is not set" in answered.stderr


def test_an_unknown_prompt_is_refused_without_echoing_it():
    answered = ask("Passphrase for key '/home/agent/.ssh/id': ", GIT_HTTP_PASSWORD=secret("http"))
    assert answered.returncode == 2 and answered.stdout == ""
    assert "Passphrase" not in answered.stderr


def test_nothing_is_written_to_disk():
    home = Path.home()
    watched = [home, Path("/tmp"), Path("/configs"), Path("/agent-home")]
    before = {p: sorted(os.listdir(p)) for p in watched if p.is_dir()}
    value = secret("http")
    assert ask("Password for 'https://git.example': ", GIT_HTTP_PASSWORD=value).stdout == value + "\n"
    assert {p: sorted(os.listdir(p)) for p in before} == before
    for name in (".git-credentials", ".gitconfig"):
        assert not (home / name).exists()


def test_git_itself_takes_its_credentials_from_it(tmp_path):
    # With no credential helper, git asks GIT_ASKPASS for both prompts; `git credential fill` shows the answers.
    username, password = secret("user"), secret("pass")
    env = {k: v for k, v in os.environ.items() if k not in CREDENTIALS} | {
        "GIT_ASKPASS": ASKPASS, "GIT_HTTP_USERNAME": username, "GIT_HTTP_PASSWORD": password, "GIT_TERMINAL_PROMPT": "0",
        "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1"}
    filled = subprocess.run(["git", "credential", "fill"],
                            input="protocol=https\nhost=git.example\n\n", env=env, capture_output=True, text=True, timeout=20)
    assert filled.returncode == 0, filled.stderr
    assert f"username={username}" in filled.stdout and f"password={password}" in filled.stdout
