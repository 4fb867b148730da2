"""The whole job through the public Client against the live 5sim fake."""

from __future__ import annotations

from decimal import Decimal

import pytest

import smsplug_fivesim
from smsplug import Client, ConfigError, NoNumbers, NoSmsReceived
from smsplug_fivesim.fake import FiveSimFake
from tests.providers.fivesim.scenarios import plugins, settings

START = Decimal("87.5")


async def test_code_arrives_and_number_is_finished(
    client: Client, fake: FiveSimFake
) -> None:
    async with client.activation("telegram", "gb") as number:
        code = await number.wait_code()

    order = fake.orders[number.number.id]
    assert code.code == order.code
    assert order.status == "FINISHED"
    assert fake.balance == START - Decimal("21.5")


async def test_timeout_cancels_and_refunds(client: Client, fake: FiveSimFake) -> None:
    fake.behaviour.no_code = True

    with pytest.raises(NoSmsReceived) as caught:
        async with client.activation("telegram", "gb", timeout=0.1) as number:
            await number.wait_code()

    assert caught.value.refunded is True
    assert fake.orders[caught.value.number_id or ""].status == "CANCELED"
    assert fake.balance == START


async def test_max_price_on_roubles_without_a_rate_is_a_config_error(
    client: Client, fake: FiveSimFake
) -> None:
    with pytest.raises(ConfigError, match=r"5sim prices in RUB and no rate"):
        await client.buy("telegram", "gb", max_price="0.50")

    assert fake.orders == {}
    assert fake.requests == []


async def test_max_price_is_converted_with_the_configured_rate(
    fake: FiveSimFake,
) -> None:
    config = settings(fake.url, rates={"RUB": Decimal("0.011")})

    async with Client(config, plugins=plugins()) as sms:
        with pytest.raises(NoNumbers):
            await sms.buy("telegram", "gb", max_price="0.20")

    assert fake.requests[0].query == {"maxPrice": "18.1818"}
    assert fake.orders == {}


async def test_usd_account_needs_no_rate(fake: FiveSimFake) -> None:
    fake.behaviour.price = Decimal("0.25")
    config = settings(fake.url, provider_settings={"currency": "USD"})

    async with Client(config, plugins=plugins()) as sms:
        number = await sms.buy("telegram", "gb", max_price="0.30")
        await sms.cancel(number)

    assert fake.requests[0].query == {"maxPrice": "0.3"}
    assert number.price is not None
    assert (number.price.amount, number.price.currency) == (Decimal("0.25"), "USD")


async def test_number_sold_above_the_max_price_is_cancelled(fake: FiveSimFake) -> None:
    fake.behaviour.ignore_max_price = True
    config = settings(fake.url, rates={"RUB": Decimal("0.011")})

    async with Client(config, plugins=plugins()) as sms:
        with pytest.raises(NoNumbers, match="above the max price"):
            await sms.buy("telegram", "gb", max_price="0.20")

    assert [o.status for o in fake.orders.values()] == ["CANCELED"]
    assert fake.balance == START


async def test_operator_setting_picks_the_operator(fake: FiveSimFake) -> None:
    config = settings(fake.url, provider_settings={"operator": "virtual38"})

    async with Client(config, plugins=plugins()) as sms:
        number = await sms.buy("telegram", "gb")
        await sms.cancel(number)

    assert number.extra["operator"] == "virtual38"
    assert fake.requests[0].path == "/v1/user/buy/activation/england/virtual38/telegram"


async def test_ban_ends_the_number_and_refunds(
    client: Client, fake: FiveSimFake
) -> None:
    number = await client.buy("telegram", "gb")

    status = await smsplug_fivesim.ban(client, number)

    assert status == "BANNED"
    assert fake.orders[number.id].status == "BANNED"
    assert fake.balance == START


async def test_cancel_after_a_late_sms_finishes_the_number(
    client: Client, fake: FiveSimFake
) -> None:
    number = await client.buy("telegram", "gb")
    fake.deliver(number.id, "55555")

    await client.cancel(number)

    assert fake.orders[number.id].status == "FINISHED"
    assert fake.balance == START - Decimal("21.5")
