"""``python -m llmd_infra`` is the ``llmd-infra`` CLI."""

import sys

from llmd_infra.cli import main

sys.exit(main())
