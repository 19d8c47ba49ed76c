"""The Textual chat UI: a client of :class:`assistant.answer.assistant.Assistant`.

``app.make_app`` builds the app (for the CLI and the tests alike); ``app.run`` runs it.
Only this package imports Textual.
"""
