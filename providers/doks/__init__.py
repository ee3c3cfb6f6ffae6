"""doks provider room (see README.md)."""
