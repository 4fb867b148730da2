"""smsplug's benchmarks: ``nox -s bench`` or ``python -m tests.bench``.

They start the loopback fake server of each protocol in a child process,
drive it through smsplug, through plain httpx and through a peer library,
and print one table. No module here is named ``test_*``: pytest does not
collect them, and the targets live in the table, not in timed tests.
"""
