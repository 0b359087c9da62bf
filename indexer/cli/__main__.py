"""`python -m indexer.cli`: the same as the `imr` console script."""
from indexer.cli import main

main()
