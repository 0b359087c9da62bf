"""Deployment helpers: replicas behind nginx (replicas.py) and pushing a snapshot to them (push.py)."""
