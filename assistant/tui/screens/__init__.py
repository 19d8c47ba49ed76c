"""Screens pushed over the chat: the spec table and help."""
