"""Regenerate cassettes/grizzlysms/ from the loopback fake of GrizzlySMS.

python -m tests.providers.grizzlysms.record [scenario ...]
"""

from tests.providers.activate_suite import record_main
from tests.providers.grizzlysms import CASE

if __name__ == "__main__":
    record_main(CASE)
