"""The ``herosms`` provider: HeroSMS, on the sms-activate compatible protocol.

The protocol itself is :mod:`smsplug.protocols.activate`; this plugin names
HeroSMS's dialect of it: its base URL, currency, the newer actions it
offers, its purchase options and its id tables (:mod:`smsplug_herosms.ids`).
"""

from __future__ import annotations

from smsplug.protocols.activate import ActivateAPI, Dialect
from smsplug_herosms import ids

__all__ = ["API", "DIALECT"]

DIALECT = Dialect(
    name="herosms",
    title="HeroSMS",
    base_url="https://hero-sms.com/stubs/handler_api.php",
    currency="USD",
    homepage="https://hero-sms.com",
    countries=ids.COUNTRIES,
    services=ids.SERVICES,
    number_v2=True,
    status_v2=True,
    active_activations=True,
    number_settings=("operator",),
)
API = ActivateAPI(DIALECT)

provider_info = API.provider_info
get_balance = API.get_balance
price_list = API.price_list
get_number = API.get_number
poll_code = API.poll_code
cancel = API.cancel
finish = API.finish
request_another_code = API.request_another_code
active_numbers = API.active_numbers
