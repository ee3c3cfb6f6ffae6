"""openshift provider room (see README.md)."""
