"""Tools for testing smsplug and its plugins: fake providers on loopback."""

from smsplug.testing.reference import Behaviour, ReferenceServer

__all__ = ["Behaviour", "ReferenceServer"]
