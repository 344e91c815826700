"""``python -m server`` is the ``shotcaller`` command."""

import sys

from .cli import main

sys.exit(main())
