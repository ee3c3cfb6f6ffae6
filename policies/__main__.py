"""The llmd-infra CrossGuard policy pack: ``pulumi preview --policy-pack policies``.

Thin on purpose: every policy lives in ``llmd_infra.policy`` as a pure function; this file only
serves them. The CLI starts it as ``python -u -m pulumi.policy <engine-address> .`` in this folder,
inside the virtual environment built from ``requirements.txt``.
"""

import sys
from pathlib import Path

try:
    import llmd_infra  # noqa: F401
except ImportError:  # running from a checkout whose venv does not install the project
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from llmd_infra.policy.pack import build_pack

build_pack()
