"""The dashboard: where every sign-in lands."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe


@login_required
@require_safe
def home(request):
    if request.tenant is None and not request.user.is_operator:
        return redirect("tenants:landing")
    return render(request, "dashboard/home.html")
