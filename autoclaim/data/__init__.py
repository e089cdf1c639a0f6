"""Dataset readers, the label taxonomy and synthetic documents."""
