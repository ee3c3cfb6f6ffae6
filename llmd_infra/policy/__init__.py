"""The llmd-infra policy pack: requirement, security and reliability policies as pure functions.

Modules: :mod:`~llmd_infra.policy.requirements` (named by requirement ids; specs built by
:mod:`~llmd_infra.policy.specs`), :mod:`~llmd_infra.policy.pools` and
:mod:`~llmd_infra.policy.resources` (provider-neutral pool facts and the rooms' readers),
:mod:`~llmd_infra.policy.stack` (policies for every provider), each room's ``policies`` part
(security and reliability rules), :mod:`~llmd_infra.policy.config` (pack configuration) and
:mod:`~llmd_infra.policy.pack` (the list of policies and the pulumi_policy adapters). Importing
this package never starts the analyzer server.
"""
