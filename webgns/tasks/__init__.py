"""Celery tasks: load desired state from the database, call the engine, save what is true, publish.

Tasks stay thin: the host work is `webgns.compute`, the bookkeeping is `status`, and every task
is safe to run twice (Celery may redeliver) because the engine's operations are "ensure" ones.
"""
