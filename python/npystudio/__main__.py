"""`python -m npystudio`: the command line (see npystudio.cli)."""

import sys

from .cli import main

sys.exit(main(prog="python -m npystudio"))
