"""A local module of the program (must not leak between runs)."""

PREFIX = "demo"
