"""DEVELOPMENT BUILD of molecule-ai-workspace-runtime (not the published runtime).

Just enough of the runtime's contract for offline fleet builds and gates: adapter discovery,
the agent-owned /configs/.auth_token, and GET /health on the runtime port.
"""

import importlib.metadata

DISTRIBUTION = "molecule-ai-workspace-runtime"
DEVELOPMENT = True


def version() -> str:
    # The version lives only in the wheel's METADATA (written by the fleet's wheel builder).
    return importlib.metadata.version(DISTRIBUTION)
