"""Network definitions, the architecture registry and the shipped weight files."""
