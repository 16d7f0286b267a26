import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings")
application = get_wsgi_application()

# The sentence-embedding model is made ready as the process starts, not by its first
# request for suggestions (tickets/meaning.py).
from sportello.tickets import meaning  # noqa: E402 - after Django is set up

meaning.load()

# What the process holds now (Django, the apps, the model's tables: about 110,000 objects
# the collector tracks) lives as long as the process: out of the collector's generations, a
# full collection no longer walks it (81 ms each on the bench machine, in some request).
gc.freeze()
