"""`python -m fivewhys`."""

from fivewhys.cli import main

main()
