"""Views of the accounts app: sign-in in its steps, first access, profile, password recovery."""

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetConfirmView
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import flow, services
from .forms import ActivationForm, AvatarForm, ChangePasswordForm, CodeForm, LoginForm, ProfileForm, RecoveryForm
from .forms import SetPasswordForm as RecoverySetPasswordForm
from .models import TrustedDevice, User
from .pictures import save_avatar
from .services import CodeCheck, FirstFactor

FIRST_FACTOR_ERRORS = {
    FirstFactor.WRONG: gettext_lazy("E-mail or password is not right."),
    FirstFactor.TEMPORARY_EXPIRED: gettext_lazy(
        "These temporary credentials have expired. Ask your company's administrator to send the invitation again."
    ),
    FirstFactor.TEMPORARY_USED: gettext_lazy(
        "These temporary credentials have already been used. Sign in with the password you chose, "
        "or ask your company's administrator to send the invitation again."
    ),
}
CODE_ERRORS = {
    CodeCheck.WRONG: gettext_lazy("The code is not right. Check the last e-mail you received and try again."),
    CodeCheck.EXHAUSTED: gettext_lazy("Too many wrong tries: this code no longer works. Ask for a new code."),
    CodeCheck.EXPIRED: gettext_lazy("The code has expired. Ask for a new code."),
    CodeCheck.THROTTLED: gettext_lazy("Too many wrong codes from this address. Wait a few minutes and try again."),
}


def _landing(next_url: str) -> str:
    url = reverse("tenants:landing")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _complete_login(request, user: User, next_url: str, *, trust_device: bool = False):
    """The second factor is done (or skipped on a trusted device): log in for real."""
    flow.forget_pending(request)
    auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    services.record_event(services.Event.LOGIN_SUCCEEDED, request=request, user=user)
    response = redirect(_landing(next_url))
    if trust_device:
        response.set_cookie(
            settings.TRUSTED_DEVICE_COOKIE_NAME,
            services.trust_device(request, user),
            max_age=int(TrustedDevice.lifetime().total_seconds()),
            secure=settings.USES_HTTPS,
            httponly=True,
            samesite="Strict",
        )
    return response


# The address of the account just created, for the sign-in page that follows "Crea utente".
SIGN_IN_EMAIL = "accounts.sign_in_email"


def _prefilled_login_form(email: str) -> LoginForm:
    """The sign-in form with `email` written in, the cursor in the password."""
    form = LoginForm(initial={"email": email})
    form.fields["email"].widget.attrs.pop("autofocus", None)
    form.fields["password"].widget.attrs["autofocus"] = True
    return form


@never_cache
@require_http_methods(["GET", "POST"])
def login(request):
    next_url = flow.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return redirect(_landing(next_url))
    form = LoginForm(request.POST or None)
    if request.method == "GET" and (email := request.session.pop(SIGN_IN_EMAIL, "")):
        form = _prefilled_login_form(email)
    status = 200
    if form.is_valid():
        outcome, user, wait = services.check_password_step(request, **form.cleaned_data)
        if outcome is FirstFactor.ACTIVATE:
            flow.remember_pending_activation(request, user, next_url)
            return redirect("accounts:activate")
        if outcome is FirstFactor.NEEDS_CODE:
            services.send_login_code(request, user)
            flow.remember_pending_login(request, user, next_url)
            return redirect("accounts:code")
        if outcome is FirstFactor.TRUSTED:
            return _complete_login(request, user, next_url)
        if outcome is FirstFactor.THROTTLED:
            form.add_error(None, _("Too many attempts. Try again in %(seconds)s seconds.") % {"seconds": wait})
            status = 429
        else:
            form.add_error(None, FIRST_FACTOR_ERRORS[outcome])
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def code(request):
    user, next_url = flow.pending_login(request)
    if user is None:
        messages.info(request, _("Your sign-in has expired. Please sign in again."))
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        result = services.check_login_code(request, user, form.cleaned_data["code"])
        if result is CodeCheck.ACCEPTED:
            return _complete_login(request, user, next_url, trust_device=form.cleaned_data["trust_device"])
        form.add_error("code", CODE_ERRORS[result])
    context = {"form": form, "email": user.email, "resend_wait": services.code_resend_wait(user)}
    return render(request, "accounts/code.html", context, status=400 if form.errors else 200)


@require_POST
def resend_code(request):
    user, _next_url = flow.pending_login(request)
    if user is None:
        return redirect("accounts:login")
    wait = services.code_resend_wait(user)
    if wait:
        messages.error(request, _("Wait %(seconds)s seconds before asking for a new code.") % {"seconds": wait})
    else:
        services.send_login_code(request, user)
        messages.success(request, _("A new code is on its way to your e-mail."))
    return redirect("accounts:code")


@never_cache
@require_http_methods(["GET", "POST"])
def activate(request):
    """The manual's "Creazione Utente", reached only through temporary credentials."""
    user = flow.pending_activation(request)
    if user is None:
        messages.info(request, _("Sign in with the temporary credentials you received by e-mail."))
        return redirect("accounts:login")
    form = ActivationForm(request.POST or None, user=user)
    if form.is_valid():
        data = form.cleaned_data
        services.activate(
            request,
            user,
            first_name=data["first_name"],
            last_name=data["last_name"],
            phone=data["phone"],
            password=data["new_password1"],
        )
        flow.forget_pending(request)
        request.session[SIGN_IN_EMAIL] = user.email
        messages.success(request, _("Your user has been created. Sign in with your e-mail and the password you chose."))
        return redirect("accounts:login")
    return render(request, "accounts/activate.html", {"form": form, "user_email": user.email})


@require_POST
def logout(request):
    if request.user.is_authenticated:
        services.record_event(services.Event.LOGOUT, request=request, user=request.user)
    auth.logout(request)
    return redirect("accounts:login")


@require_safe
def privacy_notice(request):
    return render(request, "accounts/privacy.html", {"version": settings.PRIVACY_NOTICE_VERSION})


@require_POST
def set_language(request):
    language = request.POST.get("language", "")
    next_url = flow.safe_next(request, request.POST.get("next")) or "/"
    response = redirect(next_url)
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            request.user.language = language
            request.user.save(update_fields=["language"])
        _remember_language(response, language)
    return response


def _remember_language(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


# --- profile ------------------------------------------------------------------------


def _profile_page(request, **forms):
    user = request.user
    context = {
        "profile_form": forms.get("profile_form") or ProfileForm(instance=user),
        "password_form": forms.get("password_form") or ChangePasswordForm(user=user),
        "avatar_form": forms.get("avatar_form") or AvatarForm(),
        "devices": user.trusted_devices.valid(),
    }
    status = 400 if any(form.errors for form in forms.values()) else 200
    return render(request, "accounts/profile.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    if request.method == "GET":
        return _profile_page(request)
    form = ProfileForm(request.POST, instance=request.user)
    if not form.is_valid():
        return _profile_page(request, profile_form=form)
    form.save()
    messages.success(request, _("Your details have been saved."))
    response = redirect("accounts:profile")
    _remember_language(response, request.user.language)
    return response


@login_required
@require_POST
def change_password(request):
    form = ChangePasswordForm(request.POST, user=request.user)
    if not form.is_valid():
        return _profile_page(request, password_form=form)
    services.change_password(request, request.user, form.cleaned_data["new_password1"])
    messages.success(request, _("Your password has been changed. Your other sessions have been closed."))
    return redirect("accounts:profile")


@login_required
@require_POST
def change_avatar(request):
    form = AvatarForm(request.POST, request.FILES)
    if not form.is_valid():
        return _profile_page(request, avatar_form=form)
    save_avatar(request.user, form.cleaned_data["avatar"])
    messages.success(request, _("Your picture has been saved."))
    return redirect("accounts:profile")


@login_required
@require_POST
def remove_avatar(request):
    save_avatar(request.user, None)
    messages.success(request, _("Your picture has been removed."))
    return redirect("accounts:profile")


@login_required
@require_POST
def remove_device(request, public_id):
    device = get_object_or_404(request.user.trusted_devices, public_id=public_id)
    services.remove_device(request, device)
    messages.success(request, _("The device has been removed: it will be asked for a code at the next sign-in."))
    return redirect("accounts:profile")


@login_required
@require_POST
def remove_all_devices(request):
    services.remove_all_devices(request, request.user)
    messages.success(request, _("All devices have been removed: each will be asked for a code at the next sign-in."))
    return redirect("accounts:profile")


@login_required
@require_safe
def avatar(request, public_id):
    """A user's picture, for people who may see that user: themselves, their companies'
    members, the vendor's operators."""
    person = get_object_or_404(User, public_id=public_id)
    if not person.avatar or not request.user.can_see(person):
        raise Http404
    response = FileResponse(person.avatar.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- password recovery ("Recupera password") ---------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def recover_password(request):
    form = RecoveryForm(request.POST or None)
    if form.is_valid():
        wait = services.request_password_reset(request, form.cleaned_data["email"])
        if not wait:
            return redirect("accounts:recover_password_sent")
        form.add_error(None, _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": wait})
        return render(request, "accounts/recover_password.html", {"form": form}, status=429)
    return render(request, "accounts/recover_password.html", {"form": form})


@require_safe
def recover_password_sent(request):
    return render(request, "accounts/recover_password_sent.html")


class ResetPasswordView(PasswordResetConfirmView):
    """Django's own single-use, expiring link check, with Sportello's form and log."""

    form_class = RecoverySetPasswordForm
    template_name = "accounts/reset_password.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.record_event(services.Event.PASSWORD_RESET, request=self.request, user=form.user, actor=form.user)
        messages.success(self.request, _("Your new password is set. Sign in with it."))
        return response
