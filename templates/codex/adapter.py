"""The codex template's adapter: tells molecule-runtime which agent this image wraps."""

NAME = "codex"  # must match template.yaml `adapter:`


class Adapter:
    def name(self) -> str:
        return NAME


CodexAdapter = Adapter


def name() -> str:
    return NAME
