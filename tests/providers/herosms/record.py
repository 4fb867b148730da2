"""Regenerate cassettes/herosms/ from the loopback fake of HeroSMS.

python -m tests.providers.herosms.record [scenario ...]
"""

from tests.providers.activate_suite import record_main
from tests.providers.herosms import CASE

if __name__ == "__main__":
    record_main(CASE)
