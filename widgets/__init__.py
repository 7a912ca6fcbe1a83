"""Reusable Textual widgets of the desk."""
