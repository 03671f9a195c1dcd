import importlib.metadata


def main():
    print("molecule-ai-workspace-runtime", importlib.metadata.version("molecule-ai-workspace-runtime"), "(development fixture)")
