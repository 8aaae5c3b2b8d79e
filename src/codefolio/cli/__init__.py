"""Command line: thin Typer commands over the library's service functions."""
