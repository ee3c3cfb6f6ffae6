"""The ``llmd-infra`` Pulumi plugin: ``pulumi package add`` and the engine run this folder with Python."""

from llmd_infra.component_provider import main

main()
