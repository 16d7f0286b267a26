"""The web process as gunicorn starts it (sportello/wsgi.py)."""

import os
import subprocess
import sys

FROZEN_BY_WSGI = "import gc, sportello.wsgi; print(gc.get_freeze_count(), sum(gc.get_count()))"


def test_what_a_web_process_loads_as_it_starts_is_out_of_the_collectors_way():
    # A full collection walked every object of Django, the apps and the embedding model's
    # tables: 81 ms in whichever request it fell on.
    started = subprocess.run(
        [sys.executable, "-c", FROZEN_BY_WSGI], env=dict(os.environ), capture_output=True, text=True, check=True
    )

    frozen, tracked = map(int, started.stdout.split()[-2:])
    assert frozen > 50_000 and tracked < 1_000
