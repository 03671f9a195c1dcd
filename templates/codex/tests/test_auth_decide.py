"""codex_auth_decide.py's decisions and the watchdog around it, as agent (the user the watchdog runs as)."""

import base64
import importlib.util
import json
import os
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

BIN = Path("/usr/local/bin")
spec = importlib.util.spec_from_file_location("codex_auth_decide", BIN / "codex_auth_decide.py")
decide_module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(decide_module)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def access_token(expires_in: timedelta) -> str:
    """A JWT-shaped value, assembled here so no token-shaped string is written in the repository."""
    return ".".join([b64({"alg": "none"}), b64({"exp": int((NOW + expires_in).timestamp())}), "signature"])


def auth(expires_in=timedelta(hours=10), refreshed_ago=timedelta(days=1), **tokens) -> dict:
    values = {"access_token": access_token(expires_in), "refresh_token": "refresh-" + "value", **tokens}
    return {"auth_mode": "chatgpt", "tokens": values, "last_refresh": (NOW - refreshed_ago).isoformat().replace("+00:00", "Z")}


@pytest.mark.parametrize("data, verdict, code", [
    (auth(), "fresh:expires_in=36000s", 0),
    (auth(expires_in=timedelta(hours=3)), "refresh:expires_in=10800s", 0),
    (auth(expires_in=-timedelta(minutes=5)), "refresh:expires_in=-300s", 0),
    (auth(refreshed_ago=timedelta(days=8)), "refresh:last_refresh_age=691200s", 0),
    (auth(access_token="not-a-jwt"), "refresh:access_token_expiry_unknown", 0),
    ({**auth(), "last_refresh": "yesterday"}, "refresh:last_refresh_unknown", 0),
    ({"OPENAI_API_KEY": None}, "skip:no_oauth_tokens", 1),
])
def test_decide(data, verdict, code):
    assert decide_module.decide(data, NOW) == (verdict, code)


def run(*args, env=None, stdin=None):
    return subprocess.run([str(a) for a in args], env={**os.environ, **(env or {})}, input=stdin, capture_output=True, text=True, timeout=30)


def test_the_watchdog_skips_without_auth_json(tmp_path):
    done = run(BIN / "codex_auth_refresh.sh", "--once", env={"CODEX_HOME": str(tmp_path)})
    assert (done.returncode, done.stdout.strip()) == (1, "skip:no_auth_json")


def test_a_malformed_auth_json_is_rc_2_naming_the_file_not_its_content(tmp_path):
    (tmp_path / "auth.json").write_text('{"tokens": {"refresh_token": "do-not-print-me"')
    decided = run("python3", BIN / "codex_auth_decide.py", "decide", tmp_path / "auth.json")
    assert decided.returncode == 2
    assert str(tmp_path / "auth.json") in decided.stderr and "JSONDecodeError" in decided.stderr
    assert "do-not-print-me" not in decided.stdout + decided.stderr
    watchdog = run(BIN / "codex_auth_refresh.sh", "--once", env={"CODEX_HOME": str(tmp_path)})
    assert watchdog.returncode == 2


def test_a_list_is_malformed_too(tmp_path):
    (tmp_path / "auth.json").write_text("[]")
    decided = run("python3", BIN / "codex_auth_decide.py", "decide", tmp_path / "auth.json")
    assert decided.returncode == 2 and "not a JSON object" in decided.stderr


def test_a_due_refresh_merges_the_answer_atomically_and_prints_no_token(tmp_path):
    (tmp_path / "auth.json").write_text(json.dumps(auth(expires_in=timedelta(minutes=30))))
    new_access = access_token(timedelta(hours=24))
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps({"access_token": new_access, "id_token": "id-" + "value"}))
    refresher = tmp_path / "refresh"
    refresher.write_text(f"#!/bin/sh\ncat {answer}\n")
    refresher.chmod(0o755)
    done = run(BIN / "codex_auth_refresh.sh", "--once", env={"CODEX_HOME": str(tmp_path), "CODEX_AUTH_REFRESH_COMMAND": str(refresher)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "refreshed"
    assert new_access not in done.stdout + done.stderr
    stored = json.loads((tmp_path / "auth.json").read_text())
    assert stored["tokens"]["access_token"] == new_access
    assert stored["tokens"]["refresh_token"] == "refresh-" + "value"  # kept: the answer had none
    assert (tmp_path / "auth.json").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".auth.json.")] == []


def test_a_refresh_answer_without_access_token_leaves_auth_json_unchanged(tmp_path):
    before = json.dumps(auth(expires_in=timedelta(minutes=30)))
    (tmp_path / "auth.json").write_text(before)
    applied = run("python3", BIN / "codex_auth_decide.py", "apply", tmp_path / "auth.json", stdin='{"id_token": "x"}')
    assert applied.returncode == 2 and "no access_token" in applied.stderr
    assert (tmp_path / "auth.json").read_text() == before


def test_a_due_refresh_without_a_refresh_command_is_rc_3(tmp_path):
    (tmp_path / "auth.json").write_text(json.dumps(auth(expires_in=timedelta(minutes=30))))
    done = run(BIN / "codex_auth_refresh.sh", "--once", env={"CODEX_HOME": str(tmp_path)})
    assert done.returncode == 3 and "CODEX_AUTH_REFRESH_COMMAND is not set" in done.stderr
