#!/usr/bin/env python3
"""Build the explainer: `python build.py [build|check|serve|new] ...` (see --help).

A thin entry point so the repository works without installing; `pip install -e .` also gives
the same command as `explainer`.
"""

import sys

from explainer.cli import main

if __name__ == "__main__":
    sys.exit(main(exit_when_done=True))
