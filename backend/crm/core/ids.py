"""Time-ordered UUID keys (UUIDv7): index-friendly like a sequence, unguessable like a UUID."""

import uuid

from uuid6 import uuid7


def new_id() -> uuid.UUID:
    # uuid6 returns its own subclass; hand out plain UUIDs so equality and JSON stay simple.
    return uuid.UUID(int=uuid7().int)
