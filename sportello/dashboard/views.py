"""The dashboard: where every sign-in lands, with the widgets each person placed."""

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST, require_safe

from sportello.access import member_or_operator_required

from . import services
from .forms import LayoutForm
from .models import Dashboard
from .widgets import WIDGETS, available


@member_or_operator_required
@require_safe
def home(request):
    dashboard = Dashboard.objects.of(request.user, request.tenant).first()
    items = [item for item in (dashboard.items if dashboard else []) if item.get("kind") in WIDGETS]
    context = {
        "items": [{**item, "widget": WIDGETS[item["kind"]]} for item in items],
        "widgets": available(request),
    }
    return render(request, "dashboard/home.html", context)


@member_or_operator_required
@require_POST
def save_layout(request):
    form = LayoutForm(request.POST, kinds=[widget.kind for widget in available(request)])
    if not form.is_valid():
        return JsonResponse({"errors": form.errors["layout"]}, status=400)
    services.save_layout(request.user, request.tenant, form.cleaned_data["layout"])
    return HttpResponse(status=204)


@member_or_operator_required
@require_safe
def widget(request, kind):
    """One widget's content, for its first load and its refresh every minute."""
    if kind not in {widget.kind for widget in available(request)}:
        raise Http404
    try:
        rows = int(request.GET.get("rows", 5))
    except ValueError:
        rows = 5
    found = WIDGETS[kind]
    return render(request, found.template, {"widget": found, **found.data(request, rows)})
