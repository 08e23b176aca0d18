"""Exit codes of `webgns`, one meaning each, so a script can branch on them."""

OK = 0
FAILED = 1  # the server refused the request or an operation ended in error
USAGE = 2  # bad arguments or a bad local file (Typer/Click use 2 for usage errors too)
NOT_FOUND = 3  # no such project, node or link
AUTH = 4  # not logged in, or the token was refused
UNREACHABLE = 5  # the server did not answer
# `webgns exec` exits with the command's own exit code.
