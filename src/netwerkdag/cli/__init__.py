"""The `netwerkdag` command line: thin commands that parse arguments, call one use case and print."""
