"""`hermes` (DEVELOPMENT STAND-IN): proves the install and reports its version, nothing more."""

import argparse
import importlib.metadata
import sys

DISTRIBUTION = "hermes-agent"


def main(argv: list[str] | None = None) -> int:
    version = importlib.metadata.version(DISTRIBUTION)
    parser = argparse.ArgumentParser(prog="hermes", description="hermes-agent development stand-in")
    parser.add_argument("--version", action="version", version=f"{DISTRIBUTION} {version} (development stand-in)")
    parser.parse_args(argv)
    print("hermes: development stand-in; only --version is implemented", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
