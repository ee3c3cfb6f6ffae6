"""The llmd-infra policy pack: requirement, security and reliability policies as pure functions.

Modules: :mod:`~llmd_infra.policy.requirements` (named by requirement ids),
:mod:`~llmd_infra.policy.gke_security`, :mod:`~llmd_infra.policy.doks_security`,
:mod:`~llmd_infra.policy.stack`, :mod:`~llmd_infra.policy.config` (pack configuration) and
:mod:`~llmd_infra.policy.pack` (the list of policies and the pulumi_policy adapters). Importing
this package never starts the analyzer server.
"""
