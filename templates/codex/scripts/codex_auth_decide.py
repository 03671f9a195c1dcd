#!/usr/bin/env python3
"""Decision logic of the codex OAuth refresh watchdog (see codex_auth_refresh.sh).

decide AUTH_JSON  -> prints fresh:<why> (rc 0), refresh:<why> (rc 0), skip:<why> (rc 1); malformed: rc 2
apply AUTH_JSON   -> merges the token JSON read from stdin into auth.json, atomically. Never prints tokens.
"""

import base64
import json
import os
import sys
import tempfile
from datetime import datetime, timezone

REFRESH_BEFORE = int(os.environ.get("CODEX_AUTH_REFRESH_BEFORE_SECONDS", 4 * 3600))
MAX_AGE = int(os.environ.get("CODEX_AUTH_MAX_AGE_SECONDS", 7 * 24 * 3600))


def load(path: str) -> dict:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict):
        raise ValueError("auth.json is not a JSON object")
    return data


def jwt_expiry(token: str) -> int | None:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        exp = json.loads(base64.urlsafe_b64decode(payload)).get("exp")
    except (ValueError, AttributeError):
        return None
    return int(exp) if isinstance(exp, (int, float)) else None


def parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def decide(data: dict, now: datetime) -> tuple[str, int]:
    tokens = data.get("tokens")
    if not isinstance(tokens, dict) or not tokens.get("refresh_token"):
        return "skip:no_oauth_tokens", 1  # API-key mode: nothing to refresh
    expiry = jwt_expiry(str(tokens.get("access_token") or ""))
    if expiry is None:
        return "refresh:access_token_expiry_unknown", 0
    remaining = expiry - int(now.timestamp())
    if remaining < REFRESH_BEFORE:
        return f"refresh:expires_in={remaining}s", 0
    last = parse_time(data.get("last_refresh"))
    if last is None:
        return "refresh:last_refresh_unknown", 0
    age = int((now - last).total_seconds())
    if age > MAX_AGE:
        return f"refresh:last_refresh_age={age}s", 0
    return f"fresh:expires_in={remaining}s", 0


def apply(path: str, answer: dict, now: datetime) -> None:
    data = load(path)
    tokens = data.get("tokens") if isinstance(data.get("tokens"), dict) else {}
    for key in ("id_token", "access_token", "refresh_token"):
        if answer.get(key):
            tokens[key] = answer[key]
    if not answer.get("access_token"):
        raise ValueError("the refresh answer has no access_token")
    data["tokens"] = tokens
    data["last_refresh"] = now.isoformat().replace("+00:00", "Z")
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=".auth.json.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in ("decide", "apply"):
        print("usage: codex_auth_decide.py decide|apply AUTH_JSON", file=sys.stderr)
        return 2
    now = datetime.now(timezone.utc)
    try:
        if argv[1] == "decide":
            verdict, code = decide(load(argv[2]), now)
            print(verdict)
            return code
        answer = json.load(sys.stdin)
        if not isinstance(answer, dict):
            raise ValueError("the refresh answer is not a JSON object")
        apply(argv[2], answer, now)
        return 0
    except (OSError, ValueError) as error:
        # json.JSONDecodeError is a ValueError; its message holds a position, not file content.
        print(f"codex_auth_decide: {argv[2]}: {type(error).__name__}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
