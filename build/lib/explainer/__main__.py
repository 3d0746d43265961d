"""`python -m explainer` runs the same command line as build.py."""

import sys

from .cli import main

sys.exit(main(exit_when_done=True))
