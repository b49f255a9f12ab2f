"""The authorization matrix: every API route x every built-in role, plus anonymous callers.

See :mod:`authz.harness` for how a domain declares its routes.
"""
