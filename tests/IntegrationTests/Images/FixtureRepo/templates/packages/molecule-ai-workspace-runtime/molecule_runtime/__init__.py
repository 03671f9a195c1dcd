"""Test fixture: a DEVELOPMENT stand-in of the runtime (prints its version)."""
