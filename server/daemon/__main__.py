"""``python -m server.daemon ARGS`` runs ``shotcaller ARGS`` (e.g. ``serve``, ``send``).

Going through ``server.cli.main`` as an imported module keeps one ``UsageError`` class
(``python -m server.cli`` would create a second one under ``__main__``).
"""

import sys

from server.cli import main

sys.exit(main())
