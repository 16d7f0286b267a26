"""Project-wide views: the front door and the health check."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from sportello.access import public
from sportello.notifications.services import oldest_waiting_age


@public
@require_safe
def home(request):
    if request.user.is_authenticated:
        return redirect("tenants:landing")
    return redirect("accounts:login")


@public
@never_cache
@require_safe
def healthz(request):
    """Answers 200 while the database answers; reports the age of the e-mail queue."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        age = oldest_waiting_age()
    except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
        return JsonResponse({"status": "error", "database": f"{type(error).__name__}"}, status=503)
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "oldest_waiting_email_seconds": None if age is None else int(age.total_seconds()),
        }
    )
