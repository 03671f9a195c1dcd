"""What every fleet adapter shares: its provider registry (four places, never a silent fall-back) and the
start-up hook fleet-entrypoint runs (`python3 -m fleet_adapter setup`)."""

from fleet_adapter.registry import (
    BUILT_IN,
    ConfigError,
    Provider,
    Registry,
    Selection,
    load,
    select,
    write_config,
)

__all__ = ["BUILT_IN", "ConfigError", "Provider", "Registry", "Selection", "load", "select", "write_config"]
