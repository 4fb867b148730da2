"""A blocking facade over :class:`smsplug.Client`, for scripts.

```python
from smsplug.sync import Client

with Client.from_config() as sms:
    with sms.activation(service="amazon", country="us") as number:
        fill_in_form(number.phone)
        code = number.wait_code()
```

Each sync client runs its own event loop; use one per thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from types import TracebackType
from typing import Any, TypeVar

from smsplug import client as _async
from smsplug.client import UNSET, MaxPrice
from smsplug.config import Settings
from smsplug.models import Balance, Code, Number, Price
from smsplug.plugins import Plugins

__all__ = ["Activation", "Client"]

T = TypeVar("T")


class Client:
    """The same calls as :class:`smsplug.Client`, without ``await``."""

    def __init__(
        self, settings: Settings | None = None, *, plugins: Plugins | None = None
    ) -> None:
        self._runner = asyncio.Runner()
        self.aio = _async.Client(settings, plugins=plugins)

    @classmethod
    def from_config(
        cls, path: str | None = None, *, env: dict[str, str] | None = None
    ) -> Client:
        client = _async.Client.from_config(path, env=env)
        return cls(client.settings, plugins=client.plugins)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._run(self.aio.aclose())
        self._runner.close()

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self._runner.run(coro)

    def configured(self) -> list[str]:
        return self.aio.configured()

    def balance(self, provider: str) -> Balance:
        return self._run(self.aio.balance(provider))

    def prices(self, service: str, country: str, *, provider: str) -> list[Price]:
        return self._run(self.aio.prices(service, country, provider=provider))

    def buy(
        self,
        service: str,
        country: str,
        *,
        providers: Sequence[str] | None = None,
        max_price: MaxPrice | _async._Unset = UNSET,
    ) -> Number:
        return self._run(
            self.aio.buy(service, country, providers=providers, max_price=max_price)
        )

    def poll(self, number: Number) -> Code | None:
        return self._run(self.aio.poll(number))

    def cancel(self, number: Number) -> None:
        self._run(self.aio.cancel(number))

    def finish(self, number: Number) -> None:
        self._run(self.aio.finish(number))

    def activation(
        self,
        service: str,
        country: str,
        *,
        providers: Sequence[str] | None = None,
        max_price: MaxPrice | _async._Unset = UNSET,
        timeout: float | None = None,
        poll_delay: float | None = None,
    ) -> Activation:
        inner = self.aio.activation(
            service,
            country,
            providers=providers,
            max_price=max_price,
            timeout=timeout,
            poll_delay=poll_delay,
        )
        return Activation(self, inner)


class Activation:
    """A number rented for the length of a ``with`` block."""

    def __init__(self, client: Client, inner: _async.Activation) -> None:
        self._client = client
        self.aio = inner

    @property
    def number(self) -> Number:
        return self.aio.number

    @property
    def phone(self) -> str:
        return self.aio.phone

    @property
    def provider(self) -> str:
        return self.aio.provider

    def __enter__(self) -> Activation:
        self._client._run(self.aio.__aenter__())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._client._run(self.aio.__aexit__(exc_type, exc, tb))

    def wait_code(self) -> Code:
        return self._client._run(self.aio.wait_code())
