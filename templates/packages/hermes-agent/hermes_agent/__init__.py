"""DEVELOPMENT STAND-IN for hermes-agent (not the published agent): it only answers --version."""
