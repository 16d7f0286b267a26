"""Project-wide views: the front door and the health checks."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from sportello.access import public
from sportello.notifications.services import oldest_waiting_age
from sportello.workers.services import queues_without_worker, tasks_past_lease


@public
@require_safe
def home(request):
    if request.user.is_authenticated:
        return redirect("tenants:landing")
    return redirect("accounts:login")


@public
@never_cache
@require_safe
def readyz(request):
    """For a load balancer: 200 while this web process can serve, i.e. its database
    answers; 503 otherwise. Unlike /healthz it says nothing of the workers, whose absence
    is no reason to take a web host out of the balancer (every host would go at once)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 - any failure means "cannot serve"
        return JsonResponse({"status": "error", "database": type(error).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@public
@never_cache
@require_safe
def healthz(request):
    """200 while the database answers, every task queue has a worker whose heartbeat is
    recent and no task is RUNNING past its lease; otherwise 503, `failed` naming the checks
    that failed and each check saying why. Four indexed queries: cheap enough for a load
    balancer's polling. Also reports how long the oldest waiting e-mail has waited."""
    try:
        missing = queues_without_worker()
        abandoned = tasks_past_lease()
        age = oldest_waiting_age()
    except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
        return JsonResponse(
            {"status": "error", "failed": ["database"], "database": f"{type(error).__name__}"}, status=503
        )
    lease = settings.WORKER_LEASE_SECONDS
    checks = {
        "database": "ok",
        "workers": f"no worker seen in the last {lease} s for the queues {', '.join(missing)}" if missing else "ok",
        "tasks": f"{len(abandoned)} task(s) RUNNING past their lease of {lease} s" if abandoned else "ok",
    }
    failed = [name for name, outcome in checks.items() if outcome != "ok"]
    return JsonResponse(
        {
            "status": "error" if failed else "ok",
            "failed": failed,
            **checks,
            "oldest_waiting_email_seconds": None if age is None else int(age.total_seconds()),
        },
        status=503 if failed else 200,
    )
