"""A second code on a HeroSMS number: setStatus 3, then the new STATUS_OK."""

from __future__ import annotations

from smsplug import Client
from tests.providers.herosms import CASE


async def test_another_code_is_asked_for_and_arrives() -> None:
    with CASE.fake() as fake:
        async with Client(
            CASE.client_settings(fake.base_url), plugins=CASE.plugins()
        ) as sms:
            number = await sms.buy("telegram", "us")
            fake.deliver(number.id, "111222")
            first = await sms.poll(number)

            again = await sms.request_another_code(number)
            waiting = await sms.poll(again)
            fake.deliver(again.id, "333444")
            second = await sms.poll(again)

    assert (first.code if first else None) == "111222"
    assert waiting is None
    assert (second.code if second else None) == "333444"
    assert [c["status"] for c in fake.calls("setStatus")] == ["3"]
