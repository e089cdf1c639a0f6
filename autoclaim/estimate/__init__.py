"""Estimate rules, the price book and consistency checks (no HTTP, no SQL)."""
