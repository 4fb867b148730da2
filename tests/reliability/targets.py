"""Every provider protocol, with a loopback fake, behind one interface.

The reliability tests run the same faults against each of these, so a
protocol added here is covered by the whole fault matrix at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from types import ModuleType
from typing import Any

import attrs

import smsplug_custom
import smsplug_fivesim
import smsplug_grizzlysms
import smsplug_herosms
import smsplug_onlinesim
import smsplug_smsbower
import smsplug_smsman
import smsplug_smspool
from smsplug import Client, Settings
from smsplug.plugins import Plugins
from smsplug.testing import Behaviour, ReferenceServer
from smsplug.testing.activate import Behaviour as ActivateBehaviour
from smsplug.testing.server import LoopbackServer
from smsplug_fivesim.fake import Behaviour as FiveSimBehaviour
from smsplug_fivesim.fake import FiveSimFake
from smsplug_grizzlysms.fake import FakeGrizzlySMS
from smsplug_herosms.fake import FakeHeroSMS
from smsplug_onlinesim.fake import Behaviour as OnlineSimBehaviour
from smsplug_onlinesim.fake import OnlineSimFake
from smsplug_smsbower.fake import FakeSMSBower
from smsplug_smsman.fake import FakeBehaviour as SmsManBehaviour
from smsplug_smsman.fake import SmsManFake
from smsplug_smspool.fake import Behaviour as SmspoolBehaviour
from smsplug_smspool.fake import SmspoolFake

#: Rates for the currencies the fakes price in, so max prices work.
RATES = {"RUB": Decimal("0.011"), "EUR": Decimal("1.08")}


@attrs.frozen
class Target:
    """One provider: its plugin, a fake of its protocol, where to buy."""

    name: str
    plugin: ModuleType
    #: Starts a fake whose code never comes unless delivered.
    fake: Callable[[], Any]
    service: str
    country: str

    def __str__(self) -> str:
        return self.name


def http_server(fake: Any) -> LoopbackServer:
    """The loopback HTTP server under a fake, to inject faults into."""
    return fake if isinstance(fake, LoopbackServer) else fake.server


TARGETS = [
    Target(
        "custom",
        smsplug_custom,
        lambda: ReferenceServer(
            key="custom-key-123456", behaviour=Behaviour(no_code=True)
        ),
        "telegram",
        "us",
    ),
    Target(
        "5sim",
        smsplug_fivesim,
        lambda: FiveSimFake(behaviour=FiveSimBehaviour(no_code=True)),
        "telegram",
        "gb",
    ),
    Target(
        "smspool",
        smsplug_smspool,
        lambda: SmspoolFake(behaviour=SmspoolBehaviour(no_code=True)),
        "telegram",
        "gb",
    ),
    Target(
        "smsman",
        smsplug_smsman,
        lambda: SmsManFake(behaviour=SmsManBehaviour(no_code=True)),
        "telegram",
        "ru",
    ),
    Target(
        "onlinesim",
        smsplug_onlinesim,
        lambda: OnlineSimFake(behaviour=OnlineSimBehaviour(no_code=True)),
        "telegram",
        "ru",
    ),
    Target(
        "herosms",
        smsplug_herosms,
        lambda: FakeHeroSMS(behaviour=ActivateBehaviour(no_code=True)),
        "telegram",
        "us",
    ),
    Target(
        "smsbower",
        smsplug_smsbower,
        lambda: FakeSMSBower(behaviour=ActivateBehaviour(no_code=True)),
        "telegram",
        "us",
    ),
    Target(
        "grizzlysms",
        smsplug_grizzlysms,
        lambda: FakeGrizzlySMS(behaviour=ActivateBehaviour(no_code=True)),
        "telegram",
        "us",
    ),
]


def base_url(fake: Any) -> str:
    """What the plugin's base_url setting takes for this fake."""
    return str(getattr(fake, "base_url", None) or fake.url)


def settings_for(target: Target, fake: Any, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "providers": (target.name,),
        "provider": {target.name: {"api_key": fake.key, "base_url": base_url(fake)}},
        "rates": RATES,
        "poll_delay": 0.02,
        "timeout": 5.0,
        "retries": 3,
        "retry_backoff": 0.0,
        "retry_max_wait": 0.05,
        "http_timeout": 2.0,
        "cancel_patience": 5.0,
    }
    values.update(overrides)
    return Settings(**values)


@contextmanager
def running(target: Target, **overrides: Any) -> Iterator[tuple[Any, Client]]:
    """The target's fake on loopback and a client pointed at it."""
    with target.fake() as fake:
        plugins = Plugins()
        plugins.add(target.plugin)
        yield fake, Client(settings_for(target, fake, **overrides), plugins=plugins)
