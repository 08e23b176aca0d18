"""Websocket close codes of both sockets, as `shared/api.md` names them (HTTP status + 4000).

Consumers accept the handshake first and then close with one of these: a browser only sees a
custom code on an accepted socket (closing before accept becomes a bare HTTP 403).
"""

# The handshake asked for something that does not exist (an unknown console `mode`).
BAD_REQUEST = 4400
NOT_AUTHENTICATED = 4401
NOT_ALLOWED = 4403
NOT_FOUND = 4404
# The user already holds as many consoles as WEBGNS_CONSOLES_PER_USER allows.
TOO_MANY = 4429
# The node's shell could not be started although the node runs (Docker refused the exec).
CONSOLE_FAILED = 4500
