"""Vision inference: pre-process, model, post-process, explanations."""
