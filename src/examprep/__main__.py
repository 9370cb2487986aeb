"""`python -m examprep` runs the CLI."""

from examprep.cli import main

main()
