"""The workspace auth token the runtime and its MCP child both read: agent-owned, mode 0600."""

import os
import secrets
from pathlib import Path

TOKEN_FILE = ".auth_token"


def ensure_token(configs_dir: Path) -> Path:
    """Create the token once; keep an existing one so restarts do not invalidate peers."""
    path = configs_dir / TOKEN_FILE
    configs_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(32))
    return path
