"""Kernel tests: the project's own impairment and OVS code run inside user-mode-linux."""
