"""The main job through the public Client: buy, wait, finish or cancel."""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

import pytest

from smsplug import (
    Client,
    InvalidKey,
    Money,
    NoNumbers,
    NoSmsReceived,
    ProviderUnavailable,
)
from smsplug.errors import ConfigError
from smsplug.plugins import Plugins
from smsplug.testing import ReferenceServer
from tests.helpers import custom_settings


async def test_code_arrives_and_number_is_finished(
    client: Client, reference: ReferenceServer
) -> None:
    reference.behaviour.code_delay = 0.1

    async with client.activation("telegram", "us") as number:
        code = await number.wait_code()

    sold = reference.numbers[number.number.id]
    assert code.code == sold.code
    assert code.text == f"Your verification code is {sold.code}"
    assert sold.status == "finished"
    assert reference.balance == Decimal("9.75")


async def test_number_carries_phone_price_and_string_id(client: Client) -> None:
    async with client.activation("telegram", "us") as number:
        bought = number.number
        await number.wait_code()

    assert bought.id == "1001"
    assert bought.phone == "+15550001001"
    assert bought.price is not None
    assert (bought.price.amount, bought.price.currency) == (Decimal("0.25"), "USD")
    assert bought.provider == "custom"


async def test_timeout_cancels_and_refunds(
    client: Client, reference: ReferenceServer
) -> None:
    reference.behaviour.no_code = True

    with pytest.raises(NoSmsReceived) as caught:
        async with client.activation("telegram", "us", timeout=0.1) as number:
            await number.wait_code()

    assert caught.value.refunded is True
    assert caught.value.number_id == "1001"
    assert caught.value.provider == "custom"
    assert reference.numbers["1001"].status == "cancelled"
    assert reference.balance == Decimal("10.00")


async def test_late_code_is_taken_on_the_last_poll(
    client: Client, reference: ReferenceServer
) -> None:
    reference.behaviour.no_code = True
    timeout = 0.05
    polled_at: list[float] = []
    original = client.poll

    async def poll_after_deadline_delivers(number):  # type: ignore[no-untyped-def]
        polled_at.append(time.monotonic())
        if polled_at[-1] - polled_at[0] >= timeout:  # the code comes just late
            reference.deliver(number.id, "777111")
        return await original(number)

    client.poll = poll_after_deadline_delivers  # type: ignore[method-assign]
    async with client.activation(
        "telegram", "us", timeout=timeout, poll_delay=10
    ) as number:
        code = await number.wait_code()

    assert code.code == "777111"
    assert polled_at[-1] - polled_at[0] >= timeout
    assert reference.numbers["1001"].status == "finished"


async def test_exception_in_block_cancels(
    client: Client, reference: ReferenceServer
) -> None:
    with pytest.raises(RuntimeError, match="form broke"):
        async with client.activation("telegram", "us"):
            raise RuntimeError("form broke")

    assert reference.numbers["1001"].status == "cancelled"
    assert reference.balance == Decimal("10.00")


async def test_leaving_without_waiting_cancels(
    client: Client, reference: ReferenceServer
) -> None:
    async with client.activation("telegram", "us"):
        pass

    assert reference.numbers["1001"].status == "cancelled"


async def test_task_cancellation_cancels_the_number(
    client: Client, reference: ReferenceServer
) -> None:
    reference.behaviour.no_code = True
    bought = asyncio.Event()

    async def rent() -> None:
        async with client.activation("telegram", "us", timeout=30) as number:
            bought.set()
            await number.wait_code()

    task = asyncio.create_task(rent())
    await bought.wait()
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert reference.numbers["1001"].status == "cancelled"
    assert reference.balance == Decimal("10.00")


async def test_cancel_refused_as_too_early_is_retried(
    client: Client, reference: ReferenceServer
) -> None:
    reference.behaviour.cancel_too_early = 2
    reference.behaviour.cancel_retry_after = 0

    async with client.activation("telegram", "us"):
        pass

    assert reference.server.count("POST", "/v1/numbers/1001/cancel") == 3
    assert reference.numbers["1001"].status == "cancelled"


async def test_cancel_that_stays_refused_is_reported(
    reference: ReferenceServer, plugins: Plugins
) -> None:
    reference.behaviour.cancel_too_early = 100
    reference.behaviour.cancel_retry_after = 1
    settings = custom_settings(reference.url, cancel_patience=0.5)

    async with Client(settings, plugins=plugins) as sms:
        with pytest.raises(ProviderUnavailable, match="could not cancel number 1001"):
            async with sms.activation("telegram", "us"):
                pass

    assert reference.numbers["1001"].status == "waiting"


async def test_error_while_waiting_cancels(
    client: Client, reference: ReferenceServer
) -> None:
    reference.behaviour.no_code = True

    with pytest.raises(InvalidKey):  # noqa: PT012 - the error must leave the block
        async with client.activation("telegram", "us") as number:
            reference.fail_next("invalid_key")
            await number.wait_code()
    assert reference.numbers["1001"].status == "cancelled"


async def test_max_price_is_sent_to_the_provider(
    client: Client, reference: ReferenceServer
) -> None:
    with pytest.raises(NoNumbers):
        async with client.activation("telegram", "us", max_price="0.20"):
            pass

    buy = next(r for r in reference.requests if r.path == "/v1/numbers")
    assert buy.json() == {"service": "telegram", "country": "us", "max_price": "0.2000"}
    assert reference.numbers == {}


async def test_number_priced_above_max_is_cancelled(
    client: Client, reference: ReferenceServer
) -> None:
    reference.behaviour.ignore_max_price = True
    reference.behaviour.price = Decimal("0.62")

    with pytest.raises(NoNumbers) as caught:
        async with client.activation("telegram", "us", max_price=Decimal("0.50")):
            pytest.fail("a number above the max price was handed out")

    assert "above the max price $0.50" in str(caught.value)
    assert reference.numbers["1001"].status == "cancelled"
    assert reference.balance == Decimal("10.00")


async def test_max_price_from_settings_applies(
    reference: ReferenceServer, plugins: Plugins
) -> None:
    settings = custom_settings(reference.url, max_price=Decimal("0.10"))

    async with Client(settings, plugins=plugins) as sms:
        with pytest.raises(NoNumbers):
            await sms.buy("telegram", "us")

    assert reference.numbers == {}


async def test_max_price_needs_a_rate_for_other_currencies(
    reference: ReferenceServer, plugins: Plugins
) -> None:
    settings = custom_settings(reference.url)
    settings.provider["custom"]["currency"] = "RUB"  # type: ignore[index]

    async with Client(settings, plugins=plugins) as sms:
        with pytest.raises(ConfigError, match="prices in RUB and no rate"):
            await sms.buy("telegram", "us", max_price="0.50")

    assert reference.server.count("POST", "/v1/numbers") == 0


async def test_max_price_is_converted_with_the_configured_rate(
    reference: ReferenceServer, plugins: Plugins
) -> None:
    reference.balance = Decimal("100")
    reference.behaviour.price = Decimal("20")
    reference.behaviour.currency = "RUB"
    settings = custom_settings(reference.url, rates={"RUB": Decimal("0.01")})
    settings.provider["custom"]["currency"] = "RUB"  # type: ignore[index]

    async with Client(settings, plugins=plugins) as sms:
        number = await sms.buy("telegram", "us", max_price="0.25")
        await sms.cancel(number)

    buy = next(r for r in reference.requests if r.path == "/v1/numbers")
    assert buy.json()["max_price"] == "25.0000"
    assert number.price == Money("20", "RUB")


@pytest.mark.parametrize("bad", ["0", "-1", "abc"])
async def test_invalid_max_price_is_a_config_error(client: Client, bad: str) -> None:
    with pytest.raises(ConfigError, match="max price"):
        await client.buy("telegram", "us", max_price=bad)
