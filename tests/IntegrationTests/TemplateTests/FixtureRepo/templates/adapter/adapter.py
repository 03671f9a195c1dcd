"""TemplateTests fixture: an adapter that finds its registry the way the fleet's do (the provisioner's place, then
beside this file, then built-in defaults) and renders its agent's configuration."""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLACES = [Path("/opt/adapter/config.json"), HERE / "config.json"]
BUILT_IN = {"model": "m-1", "providers": [{"name": "built-in"}]}


def registry() -> tuple[str, dict]:
    for place in PLACES:
        if place.exists():
            return str(place), json.loads(place.read_text())
    return "built-in defaults", BUILT_IN


def render(model: str) -> str:
    return json.dumps({"model": model})


def name() -> str:
    return "fixture"
