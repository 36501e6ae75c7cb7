"""``python -m netwerkdag.cli``: the same command as the `netwerkdag` script."""

from netwerkdag.cli.app import main

main()
