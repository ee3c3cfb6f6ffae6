"""Provider packages: one folder per well-lit provider, importable as ``llmd_infra.providers.<name>``."""
