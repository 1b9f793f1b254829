"""`python -m fivewhys.chat`: the chat command on its own (what the terminal tests drive)."""

from __future__ import annotations

import typer

from fivewhys.chat.command import chat_command


def main() -> None:
    app = typer.Typer(add_completion=False, rich_markup_mode=None,
                      context_settings={"help_option_names": ["-h", "--help"]})
    app.command()(chat_command)
    app(prog_name="fivewhys chat")


if __name__ == "__main__":
    main()
