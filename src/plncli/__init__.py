"""pln: a local-first tracker for your professional learning network."""

__version__ = "0.1.0"
