"""The contract every provider plugin keeps, checked against the SMS-Man fake."""

from __future__ import annotations

from smsplug import Client
from smsplug.testing.conformance import CHECKS, Harness, run_checks
from smsplug_smsman.fake import SmsManFake


async def test_smsman_passes_every_conformance_check(
    client: Client, fake: SmsManFake
) -> None:
    harness = Harness(client, "smsman", service="telegram", country="ru", fake=fake)

    failures = await run_checks(harness)

    assert failures == {}
    assert set(CHECKS) >= {"purchase_errors", "code_arrives", "cancel_is_idempotent"}


async def test_conformance_holds_for_countries_found_by_name(
    client: Client, fake: SmsManFake
) -> None:
    # gb has no id in the table: the first purchase looks it up, and the
    # scripted error must still reach the purchase itself.
    await client.prices("telegram", "gb", provider="smsman")
    harness = Harness(client, "smsman", service="telegram", country="gb", fake=fake)

    failures = await run_checks(harness)

    assert failures == {}
    assert fake.count("countries") == 1


async def test_fake_documents_the_purchase_errors(fake: SmsManFake) -> None:
    assert fake.error_kinds() == {
        "invalid_key",
        "no_balance",
        "no_numbers",
        "country_not_supported",
    }
