"""Errors that mean 'the user asked for something we cannot do', shown without a traceback."""


class UsageError(Exception):
    """Bad input from the command line: printed as one line, exit code 2."""
