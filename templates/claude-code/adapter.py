"""The claude-code template's adapter: tells molecule-runtime which agent this image wraps."""

NAME = "claude-code"  # must match template.yaml `adapter:`


class Adapter:
    def name(self) -> str:
        return NAME


ClaudeCodeAdapter = Adapter


def name() -> str:
    return NAME
