#!/usr/bin/env python3
"""Validate datapackage/ and build the static site into site/. See README.md."""
import sys

from fundsite.cli import main

if __name__ == "__main__":
    sys.exit(main())
