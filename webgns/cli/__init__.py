"""`webgns`, the command line: labs as code against a webgns server's REST API and websockets.

A client only: it speaks HTTP and websockets to the server (`client`), never imports the server's
Django code, and exits with codes a script can rely on (`exits`).
"""
