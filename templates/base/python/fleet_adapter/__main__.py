"""`python3 -m fleet_adapter setup`: fleet-entrypoint runs it as agent before it starts the runtime.

Imports the template's adapter (ADAPTER_MODULE, as the runtime does) and calls its setup(), which loads the
provider registry, selects a provider and writes the agent's own configuration. A registry that exists but
cannot be used stops the container here, with one line naming the file and why (exit 2).
"""

import importlib
import os
import sys

from fleet_adapter.registry import ConfigError


def main(argv: list[str]) -> int:
    if argv[1:] != ["setup"]:
        print("usage: python3 -m fleet_adapter setup", file=sys.stderr)
        return 2
    name = os.environ.get("ADAPTER_MODULE") or "adapter"
    try:
        module = importlib.import_module(name)
    except ImportError as error:
        print(f"fleet-adapter: cannot import adapter module {name!r} ({error})", file=sys.stderr)
        return 2
    setup = getattr(module, "setup", None)
    if not callable(setup):
        print(f"fleet-adapter: adapter module {name!r} has no setup(); nothing to prepare", file=sys.stderr)
        return 0
    try:
        report = setup()
    except ConfigError as error:
        print(f"fleet-adapter: {name}: {error}", file=sys.stderr)
        return 2
    print(f"fleet-adapter: {report}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
