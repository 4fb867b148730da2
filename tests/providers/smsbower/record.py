"""Regenerate cassettes/smsbower/ from the loopback fake of SMSBower.

python -m tests.providers.smsbower.record [scenario ...]
"""

from tests.providers.activate_suite import record_main
from tests.providers.smsbower import CASE

if __name__ == "__main__":
    record_main(CASE)
