"""Admin of relations: each feature's pages live in its own module."""

from . import bulletin_admin  # noqa: F401
