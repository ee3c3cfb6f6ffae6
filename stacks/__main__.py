"""The llmd-infra Pulumi program: one llm-d-ready cluster per stack (``Pulumi.<stack>.yaml``)."""

from llmd_infra.stack_program import main

main()
