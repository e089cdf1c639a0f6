"""autoclaim: photos and claim documents in, an explained preliminary repair estimate out."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("autoclaim")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
