"""`python -m pipeline.cli`: the same as the `kitchen` command."""

from pipeline.cli import main

main()
