"""Lets the examples run from a checkout without installing the package: finds ../../python/npystudio."""

import os
import sys

try:
    import npystudio  # noqa: F401  (installed: pip install --no-build-isolation ./python)
except ImportError:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
