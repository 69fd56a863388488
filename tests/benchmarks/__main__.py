"""`python -m tests.benchmarks` (make benchmark): run every benchmark module's main(); fail if any fails."""
import importlib
import pkgutil
import sys

import tests.benchmarks as package

failed = []
for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
    if info.name.startswith("_"):
        continue
    module = importlib.import_module(f"{package.__name__}.{info.name}")
    if hasattr(module, "main"):
        print(f"== {info.name}")
        if module.main():
            failed.append(info.name)
sys.exit(1 if failed else 0)
