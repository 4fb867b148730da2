"""The protocols the benchmarks drive, and the same calls made with plain httpx.

For each protocol: its plugin, its loopback fake, what to buy, and a raw
client that sends exactly the requests the plugin sends for a purchase, a
status check and a cancel (the benchmarks check that the two sequences
match), reading each JSON reply as the plugin would have to.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from decimal import Decimal
from types import ModuleType
from typing import Any

import attrs
import httpx

from smsplug import Settings
from smsplug.plugins import Plugins

Raw = Callable[[httpx.AsyncClient, "Target", str], Awaitable[Any]]


@attrs.frozen
class Target:
    """A running fake: where it listens and the key it accepts."""

    url: str
    key: str


@attrs.frozen
class Protocol:
    name: str
    plugin: str
    fake: str
    country: str
    buy: Callable[[httpx.AsyncClient, Target], Awaitable[str]]
    poll: Raw
    cancel: Raw
    #: The path of the status request (the one polling repeats).
    status_path: str
    service: str = "telegram"

    def module(self) -> ModuleType:
        return importlib.import_module(self.plugin)

    def make_fake(self) -> Any:
        module, _, name = self.fake.partition(":")
        return getattr(importlib.import_module(module), name)()

    def plugins(self, *, without: tuple[str, ...] = ()) -> Plugins:
        """A registry holding this protocol's plugin, less the hooks named."""
        plugins = Plugins()
        module = self.module()
        if without:
            module = _without(module, without)
        plugins.add(module)
        return plugins

    def settings(self, target: Target, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "providers": (self.name,),
            "provider": {self.name: {"api_key": target.key, "base_url": target.url}},
            "rates": {"RUB": Decimal("0.011")},
            "http_timeout": 30.0,
        }
        values.update(overrides)
        return Settings(**values)


def _without(module: ModuleType, hooks: tuple[str, ...]) -> ModuleType:
    copy = ModuleType(module.__name__ + "_bench")
    for name, value in vars(module).items():
        if not name.startswith("__") and name not in hooks:
            setattr(copy, name, value)
    return copy


def _json(response: httpx.Response) -> Any:
    response.raise_for_status()
    return response.json()


def _bearer(target: Target) -> dict[str, str]:
    return {"Authorization": f"Bearer {target.key}"}


# -- smsplug-v1 ---------------------------------------------------------------


async def _v1_buy(http: httpx.AsyncClient, target: Target) -> str:
    body = {"service": "telegram", "country": "us", "max_price": None}
    reply = await http.post(
        f"{target.url}/v1/numbers", json=body, headers=_bearer(target)
    )
    return str(_json(reply)["id"])


async def _v1_poll(http: httpx.AsyncClient, target: Target, number_id: str) -> Any:
    reply = await http.get(
        f"{target.url}/v1/numbers/{number_id}", headers=_bearer(target)
    )
    return _json(reply)["code"]


async def _v1_cancel(http: httpx.AsyncClient, target: Target, number_id: str) -> Any:
    url = f"{target.url}/v1/numbers/{number_id}/cancel"
    return _json(await http.post(url, headers=_bearer(target)))


# -- OnlineSim ----------------------------------------------------------------


async def _os_call(
    http: httpx.AsyncClient, target: Target, method: str, **params: str
) -> Any:
    url = f"{target.url}/api/{method}.php"
    return _json(await http.get(url, params={"apikey": target.key, **params}))


async def _os_buy(http: httpx.AsyncClient, target: Target) -> str:
    body = await _os_call(
        http, target, "getNum", service="telegram", country="7", number="true"
    )
    tzid = str(body["tzid"])
    await _os_poll(http, target, tzid)  # the plugin reads the price back
    return tzid


async def _os_poll(http: httpx.AsyncClient, target: Target, tzid: str) -> Any:
    return await _os_call(
        http, target, "getState", tzid=tzid, message_to_code="1", msg_list="1"
    )


async def _os_cancel(http: httpx.AsyncClient, target: Target, tzid: str) -> Any:
    return await _os_call(http, target, "setOperationOk", tzid=tzid)


# -- 5sim ----------------------------------------------------------------------


async def _fivesim_buy(http: httpx.AsyncClient, target: Target) -> str:
    url = f"{target.url}/user/buy/activation/england/any/telegram"
    return str(_json(await http.get(url, headers=_bearer(target)))["id"])


async def _fivesim_poll(http: httpx.AsyncClient, target: Target, order: str) -> Any:
    url = f"{target.url}/user/check/{order}"
    return _json(await http.get(url, headers=_bearer(target)))["sms"]


async def _fivesim_cancel(http: httpx.AsyncClient, target: Target, order: str) -> Any:
    url = f"{target.url}/user/cancel/{order}"
    return _json(await http.get(url, headers=_bearer(target)))


# -- SMSPool ---------------------------------------------------------------------


async def _smspool_post(
    http: httpx.AsyncClient, target: Target, path: str, **form: str
) -> Any:
    reply = await http.post(
        f"{target.url}{path}", data={**form, "key": target.key}, headers=_bearer(target)
    )
    return _json(reply)


async def _smspool_buy(http: httpx.AsyncClient, target: Target) -> str:
    body = await _smspool_post(
        http, target, "/purchase/sms", country="1", service="907", pricing_option="0"
    )
    return str(body["order_id"])


async def _smspool_poll(http: httpx.AsyncClient, target: Target, order: str) -> Any:
    return await _smspool_post(http, target, "/sms/check", orderid=order)


async def _smspool_cancel(http: httpx.AsyncClient, target: Target, order: str) -> Any:
    return await _smspool_post(http, target, "/sms/cancel", orderid=order)


# -- SMS-Man ---------------------------------------------------------------------


async def _smsman_get(
    http: httpx.AsyncClient, target: Target, path: str, **params: str
) -> Any:
    reply = await http.get(
        f"{target.url}/{path}", params={"token": target.key, **params}
    )
    return _json(reply)


async def _smsman_buy(http: httpx.AsyncClient, target: Target) -> str:
    body = await _smsman_get(
        http, target, "get-number", country_id="5", application_id="3"
    )
    return str(body["request_id"])


async def _smsman_poll(http: httpx.AsyncClient, target: Target, request: str) -> Any:
    return await _smsman_get(http, target, "get-sms", request_id=request)


async def _smsman_cancel(http: httpx.AsyncClient, target: Target, request: str) -> Any:
    return await _smsman_get(
        http, target, "set-status", request_id=request, status="reject"
    )


PROTOCOLS = {
    p.name: p
    for p in (
        Protocol(
            name="custom",
            plugin="smsplug_custom",
            fake="smsplug.testing.reference:ReferenceServer",
            country="us",
            buy=_v1_buy,
            poll=_v1_poll,
            cancel=_v1_cancel,
            status_path="/v1/numbers/",
        ),
        Protocol(
            name="onlinesim",
            plugin="smsplug_onlinesim",
            fake="smsplug_onlinesim.fake:OnlineSimFake",
            country="ru",
            buy=_os_buy,
            poll=_os_poll,
            cancel=_os_cancel,
            status_path="/api/getState.php",
        ),
        Protocol(
            name="5sim",
            plugin="smsplug_fivesim",
            fake="smsplug_fivesim.fake:FiveSimFake",
            country="gb",
            buy=_fivesim_buy,
            poll=_fivesim_poll,
            cancel=_fivesim_cancel,
            status_path="/v1/user/check/",
        ),
        Protocol(
            name="smspool",
            plugin="smsplug_smspool",
            fake="smsplug_smspool.fake:SmspoolFake",
            country="us",
            buy=_smspool_buy,
            poll=_smspool_poll,
            cancel=_smspool_cancel,
            status_path="/sms/check",
        ),
        Protocol(
            name="smsman",
            plugin="smsplug_smsman",
            fake="smsplug_smsman.fake:SmsManFake",
            country="us",
            buy=_smsman_buy,
            poll=_smsman_poll,
            cancel=_smsman_cancel,
            status_path="/control/get-sms",
        ),
    )
}
