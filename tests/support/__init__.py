"""Helpers of the tests, imported as ``tests.support.<module>`` (no sys.path tricks)."""
