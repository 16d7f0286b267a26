import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings")
application = get_wsgi_application()

# The sentence-embedding model is made ready as the process starts, not by its first
# request for suggestions (tickets/meaning.py).
from sportello.tickets import meaning  # noqa: E402 - after Django is set up

meaning.load()
