"""Operating an installation: backups and restores (webgns.ops.backup) and Prometheus metrics
(webgns.ops.metrics). Nothing here runs a lab; it reads and writes the database and Redis only."""
