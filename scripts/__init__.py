"""The project's scripts: benches, load runs, profiles and checks, each run from the project's folder
as a module (`python -m scripts.bench`, `python -m scripts.load`, ...) and importable by the tests."""
