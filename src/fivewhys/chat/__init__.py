"""``fivewhys chat``: an investigation you can talk to in the terminal.

Modules: ``store`` (SQLite under the user's state dir: sessions, transcript, the graph's checkpoints),
``session`` (one investigation: runs the analysis, keeps its state, runs the tools), ``followup`` (the
claude engine's conversation, continued), ``commands`` (one function per slash command, and free text),
``repl`` (the input loop, TTY or pipe), ``command`` (the typer command).
"""
