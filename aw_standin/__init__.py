"""A stand-in for the AdultWork.com REST API and its OAuth server, for offline development and tests.

It shares no code with the portal on purpose: each side is written from the
API documentation, so a misreading in one is caught by the other.
"""

from .records import Client
from .server import StandIn

__all__ = ["Client", "StandIn"]
