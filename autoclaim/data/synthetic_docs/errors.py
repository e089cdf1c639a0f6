"""Errors of the synthetic document generator."""

from __future__ import annotations


class SyntheticDocsError(Exception):
    """Base error of the synthetic document generator."""


class MissingFontError(SyntheticDocsError):
    """The CJK font the renderer needs is not installed (Debian package fonts-noto-cjk)."""


class UnknownDocTypeError(SyntheticDocsError, ValueError):
    """A document type the generator does not render."""
