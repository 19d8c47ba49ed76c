"""Widgets of the chat: the question input, the conversation and the source pane."""
