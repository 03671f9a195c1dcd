"""The hermes template's adapter: tells molecule-runtime which agent this image wraps."""

NAME = "hermes"  # must match template.yaml `adapter:`


class Adapter:
    def name(self) -> str:
        return NAME


HermesAdapter = Adapter


def name() -> str:
    return NAME
