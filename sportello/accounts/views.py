"""Views of the accounts app: sign-in in its steps, first access, profile, password recovery."""

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.views import PasswordResetConfirmView
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sportello.access import public, signed_in_required
from sportello.lib.audit import Audit

from . import flow, services
from .backends import ACCOUNT_BACKEND
from .forms import ActivationForm, AvatarForm, ChangePasswordForm, CodeForm, LoginForm, ProfileForm, RecoveryForm
from .forms import SetPasswordForm as RecoverySetPasswordForm
from .models import TrustedDevice, User
from .services import CodeCheck, FirstFactor

FIRST_FACTOR_ERRORS = {
    FirstFactor.WRONG: gettext_lazy("E-mail or password is not right."),
    FirstFactor.TEMPORARY_EXPIRED: gettext_lazy(
        "These temporary credentials have expired. Ask your company's administrator to send the invitation again."
    ),
}
CODE_ERRORS = {
    CodeCheck.WRONG: gettext_lazy("The code is not right. Check the last e-mail you received and try again."),
    CodeCheck.EXHAUSTED: gettext_lazy("Too many wrong tries: this code no longer works. Ask for a new code."),
    CodeCheck.EXPIRED: gettext_lazy("The code has expired. Ask for a new code."),
}
CODES_THROTTLED = gettext_lazy(
    "Too many wrong codes: codes do not work for %(minutes)s minutes. On a trusted device you can sign in without one."
)


def _landing(next_url: str) -> str:
    url = reverse("tenants:landing")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _complete_login(request, user: User, next_url: str, *, trust_device: bool = False):
    """The second factor is done (or skipped on a trusted device): log in for real."""
    flow.forget_pending(request)
    auth.login(request, user, backend=ACCOUNT_BACKEND)
    audit = Audit.of(request)
    services.record_event(services.Event.LOGIN_SUCCEEDED, audit=audit, user=user, actor=user)
    response = redirect(_landing(next_url))
    if trust_device:
        response.set_cookie(
            settings.TRUSTED_DEVICE_COOKIE_NAME,
            services.trust_device(user, audit=audit),
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


@public
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def login(request):
    next_url = flow.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return redirect(_landing(next_url))
    form = LoginForm(request.POST or None)
    if request.method == "GET" and (email := request.session.pop(SIGN_IN_EMAIL, "")):
        form = _prefilled_login_form(email)
    status = 200
    if form.is_valid():
        outcome, user, wait = services.check_password_step(
            **form.cleaned_data,
            device_token=request.COOKIES.get(settings.TRUSTED_DEVICE_COOKIE_NAME),
            audit=Audit.of(request),
        )
        if outcome is FirstFactor.ACTIVATE:
            flow.remember_pending_activation(request, user, next_url)
            return redirect("accounts:activate")
        if outcome is FirstFactor.NEEDS_CODE:
            if not services.send_login_code(user, audit=Audit.of(request)):
                messages.info(request, _("A code was sent to you a moment ago: type the last one you received."))
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


@public
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def code(request):
    user, next_url = flow.pending_login(request)
    if user is None:
        messages.info(request, _("Your sign-in has expired. Please sign in again."))
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    status = 200
    if form.is_valid():
        result, wait = services.check_login_code(user, form.cleaned_data["code"], audit=Audit.of(request))
        if result is CodeCheck.ACCEPTED:
            return _complete_login(request, user, next_url, trust_device=form.cleaned_data["trust_device"])
        if result is CodeCheck.THROTTLED:
            form.add_error("code", CODES_THROTTLED % {"minutes": -(-wait // 60)})
            status = 429
        else:
            form.add_error("code", CODE_ERRORS[result])
    if form.errors and status == 200:
        status = 400
    context = {"form": form, "email": user.email, "resend_wait": services.code_resend_wait(user)}
    return render(request, "accounts/code.html", context, status=status)


@public
@require_POST
def resend_code(request):
    user, _next_url = flow.pending_login(request)
    if user is None:
        return redirect("accounts:login")
    if services.send_login_code(user, audit=Audit.of(request)):
        messages.success(request, _("A new code is on its way to your e-mail."))
    else:
        wait = services.code_resend_wait(user)
        messages.error(request, _("Wait %(seconds)s seconds before asking for a new code.") % {"seconds": wait})
    return redirect("accounts:code")


@public
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def activate(request):
    """The manual's "Creazione Utente", reached only through temporary credentials."""
    user = flow.pending_activation(request)
    if user is None:
        messages.info(request, _("Sign in with the temporary credentials you received by e-mail."))
        return redirect("accounts:login")
    form = ActivationForm(
        request.POST or None, user=user, initial={"first_name": user.first_name, "last_name": user.last_name}
    )
    if form.is_valid():
        data = form.cleaned_data
        services.activate(
            user,
            first_name=data["first_name"],
            last_name=data["last_name"],
            phone=data["phone"],
            password=data["new_password1"],
            language=request.LANGUAGE_CODE,
            audit=Audit.of(request),
        )
        flow.forget_pending(request)
        request.session[SIGN_IN_EMAIL] = user.email
        messages.success(request, _("Your user has been created. Sign in with your e-mail and the password you chose."))
        return redirect("accounts:login")
    return render(request, "accounts/activate.html", {"form": form, "user_email": user.email})


@public
@require_POST
def logout(request):
    if request.user.is_authenticated:
        services.record_event(services.Event.LOGOUT, audit=Audit.of(request), user=request.user, actor=request.user)
    auth.logout(request)
    return redirect("accounts:login")


@public
@require_safe
def privacy_notice(request):
    return render(request, "accounts/privacy.html", {"version": settings.PRIVACY_NOTICE_VERSION})


@public
@require_POST
def set_language(request):
    language = request.POST.get("language", "")
    next_url = flow.safe_next(request, request.POST.get("next")) or "/"
    response = redirect(next_url)
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            services.set_language(request.user, language)
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


def _profile_page(request, status=None, **forms):
    user = request.user
    context = {
        "profile_form": forms.get("profile_form") or ProfileForm(instance=user),
        "password_form": forms.get("password_form") or ChangePasswordForm(user=user),
        "avatar_form": forms.get("avatar_form") or AvatarForm(),
        "devices": user.trusted_devices.valid(),
    }
    if status is None:
        status = 400 if any(form.errors for form in forms.values()) else 200
    return render(request, "accounts/profile.html", context, status=status)


@signed_in_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request):
    if request.method == "GET":
        return _profile_page(request)
    form = ProfileForm(request.POST, instance=request.user)
    if not form.is_valid():
        return _profile_page(request, profile_form=form)
    services.update_profile(request.user, **form.cleaned_data)
    messages.success(request, _("Your details have been saved."))
    response = redirect("accounts:profile")
    _remember_language(response, request.user.language)
    return response


@signed_in_required
@require_POST
def change_password(request):
    form = ChangePasswordForm(request.POST, user=request.user)
    if not form.is_valid():
        return _profile_page(request, password_form=form)
    data = form.cleaned_data
    try:
        services.change_password(request.user, data["old_password"], data["new_password1"], audit=Audit.of(request))
    except services.AccountError as error:
        form.add_error("old_password", error.message)
        return _profile_page(request, status=429 if error.code == "too-many-attempts" else 400, password_form=form)
    update_session_auth_hash(request, request.user)
    messages.success(request, _("Your password has been changed. Your other sessions have been closed."))
    return redirect("accounts:profile")


@signed_in_required
@require_POST
def change_avatar(request):
    form = AvatarForm(request.POST, request.FILES)
    if not form.is_valid():
        return _profile_page(request, avatar_form=form)
    services.change_picture(request.user, form.cleaned_data["avatar"], audit=Audit.of(request))
    messages.success(request, _("Your picture has been saved."))
    return redirect("accounts:profile")


@signed_in_required
@require_POST
def remove_avatar(request):
    services.change_picture(request.user, None, audit=Audit.of(request))
    messages.success(request, _("Your picture has been removed."))
    return redirect("accounts:profile")


@signed_in_required
@require_POST
def remove_device(request, public_id):
    device = get_object_or_404(request.user.trusted_devices, public_id=public_id)
    services.remove_device(request.user, device, audit=Audit.of(request))
    messages.success(request, _("The device has been removed: it will be asked for a code at the next sign-in."))
    return redirect("accounts:profile")


@signed_in_required
@require_POST
def remove_all_devices(request):
    services.remove_all_devices(request.user, audit=Audit.of(request))
    messages.success(request, _("All devices have been removed: each will be asked for a code at the next sign-in."))
    return redirect("accounts:profile")


@signed_in_required
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


@public
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_address(request, token):
    """The link of the e-mail sent to another address for a person's notifications: the
    reader confirms with a button (no change on GET)."""
    address = services.address_to_confirm(token)
    if request.method == "POST" and address is not None:
        services.confirm_address(address, audit=Audit.of(request))
        messages.success(request, _("Address confirmed: it will receive the notifications."))
        return redirect(request.path)
    return render(request, "accounts/confirm_address.html", {"address": address}, status=200 if address else 400)


# --- password recovery ("Recupera password") ---------------------------------------


@public
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def recover_password(request):
    form = RecoveryForm(request.POST or None)
    if form.is_valid():
        wait = services.request_password_reset(form.cleaned_data["email"], audit=Audit.of(request))
        if not wait:
            return redirect("accounts:recover_password_sent")
        form.add_error(None, _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": wait})
        return render(request, "accounts/recover_password.html", {"form": form}, status=429)
    return render(request, "accounts/recover_password.html", {"form": form})


@public
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
        services.record_password_reset(form.user, audit=Audit.of(self.request))
        messages.success(self.request, _("Your new password is set. Sign in with it."))
        return response
