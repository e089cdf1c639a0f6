"""Claim record, workflow and persistence."""
