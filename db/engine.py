"""The async engine. Created by the service at start-up, never at import time."""

from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def create_engine(
    url: str, *, pool_size: int = 10, pool_timeout: float = 10.0, echo: bool = False
) -> AsyncEngine:
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=pool_timeout,
        pool_pre_ping=True,
        echo=echo,
    )
