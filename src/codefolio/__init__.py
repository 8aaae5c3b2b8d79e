"""codefolio: billing-code reference publications from one input record per code."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("codefolio")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
