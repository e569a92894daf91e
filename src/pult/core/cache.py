"""The Redis cache, as a cache: when Redis cannot be reached, a read is a miss and a
write is skipped (logged), so pages keep working from the database with Redis down.

Only what can be recomputed lives in the cache (rendered message bodies, a desk's
pace); sessions and login lockout stay in the database."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _soft(method: Callable[..., Any], fallback: Callable[..., Any]) -> Any:
    """`method`, answering `fallback(*args)` when Redis cannot be reached."""

    @functools.wraps(method)
    def call(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except RedisError:
            logger.warning("cache %s skipped: Redis cannot be reached", method.__name__)
            return fallback(*args, **kwargs)

    return call


def _nothing(*args: Any, **kwargs: Any) -> None:
    return None


def _no(*args: Any, **kwargs: Any) -> bool:
    return False


class ResilientRedisCache(RedisCache):
    get = _soft(RedisCache.get, lambda key, default=None, version=None: default)
    get_many = _soft(RedisCache.get_many, lambda *args, **kwargs: {})
    has_key = _soft(RedisCache.has_key, _no)
    add = _soft(RedisCache.add, _no)
    set = _soft(RedisCache.set, _nothing)
    set_many = _soft(RedisCache.set_many, lambda data, *args, **kwargs: list(data))
    touch = _soft(RedisCache.touch, _no)
    delete = _soft(RedisCache.delete, _no)
    delete_many = _soft(RedisCache.delete_many, _nothing)
