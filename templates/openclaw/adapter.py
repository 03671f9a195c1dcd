"""The openclaw template's adapter: tells molecule-runtime which agent this image wraps."""

NAME = "openclaw"  # must match template.yaml `adapter:`


class Adapter:
    def name(self) -> str:
        return NAME


OpenclawAdapter = Adapter


def name() -> str:
    return NAME
