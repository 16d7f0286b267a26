"""Forms of the accounts app: they validate, and nothing more."""

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from PIL import Image

from . import pictures
from .models import User


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=6,
        min_length=6,
        validators=[RegexValidator(r"^\d{6}$", _("The code is made of 6 digits."))],
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": r"\d{6}",
                "autofocus": True,
                "class": "code-input",
            }
        ),
    )
    trust_device = forms.BooleanField(
        label=_("Trusted device"),
        required=False,
        help_text=_("Do not ask for a code again on this browser. Tick it only on a device that is yours."),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class NewPasswordMixin(forms.Form):
    """Two password fields checked against Django's validators for `self.user`."""

    new_password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    new_password2 = forms.CharField(
        label=_("Confirm password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean_new_password2(self):
        first = self.cleaned_data.get("new_password1")
        second = self.cleaned_data.get("new_password2")
        if first and second and first != second:
            raise forms.ValidationError(_("The two passwords do not match."), code="password_mismatch")
        return second

    def _post_clean(self):
        super()._post_clean()
        password = self.cleaned_data.get("new_password2")
        if password:
            try:
                password_validation.validate_password(password, self.password_user())
            except forms.ValidationError as error:
                self.add_error("new_password2", error)

    def password_user(self) -> User:
        return self.user


class ActivationForm(NewPasswordMixin):
    """The manual's "Creazione Utente": personal data, own password, privacy notice."""

    first_name = forms.CharField(
        label=_("First name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        validators=[
            RegexValidator(r"^\+?[0-9 ./()-]{5,32}$", _("Enter a phone number made of digits, spaces and + - . / ( )."))
        ],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    accept_privacy = forms.BooleanField(
        label=_("I have read and accept the privacy notice"),
        error_messages={"required": _("To use the portal you must accept the privacy notice.")},
    )
    field_order = ["first_name", "last_name", "phone", "new_password1", "new_password2", "accept_privacy"]

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def password_user(self) -> User:
        # Validate similarity against the names being typed now, not the empty ones stored.
        self.user.first_name = self.cleaned_data.get("first_name", "")
        self.user.last_name = self.cleaned_data.get("last_name", "")
        return self.user


class SetPasswordForm(NewPasswordMixin):
    """A new password for `user`, with no old one (password recovery)."""

    def __init__(self, user: User, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def save(self, commit=True):
        self.user.set_password(self.cleaned_data["new_password1"])
        if commit:
            self.user.save(update_fields=["password"])
        return self.user


class ChangePasswordForm(NewPasswordMixin):
    """The profile's "change password": the current password is checked by the service
    (accounts.services.change_password), which counts wrong ones."""

    old_password = forms.CharField(
        label=_("Current password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "language"]
        labels = {
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "phone": _("Phone"),
            "language": _("Language"),
        }


def too_many_pixels() -> forms.ValidationError:
    return forms.ValidationError(
        _("The picture has too many pixels: at most %(megapixels)s million."),
        params={"megapixels": settings.AVATAR_MAX_PIXELS // 1_000_000},
        code="too_many_pixels",
    )


class PictureField(forms.ImageField):
    """Django's ImageField, saying so when Pillow refused a picture for its pixel count
    (sportello.accounts.apps caps it) rather than calling it invalid."""

    def to_python(self, data):
        try:
            return super().to_python(data)
        except forms.ValidationError as error:
            if isinstance(error.__cause__, Image.DecompressionBombError | Image.DecompressionBombWarning):
                raise too_many_pixels() from None
            raise


class AvatarForm(forms.Form):
    avatar = PictureField(label=_("Picture"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["avatar"].help_text = _("A JPEG, PNG or WebP image of at most %(size)s MB.") % {
            "size": settings.AVATAR_MAX_BYTES // (1024 * 1024)
        }

    def clean_avatar(self):
        """The size in bytes, the format and the size in pixels are checked from the file's
        header before any pixel is decoded; then the whole picture is decoded once, so a
        truncated or corrupt file is a message here, not an error later (OWASP ASVS 5.0
        V5.2.1, V5.2.3: a 164 KB PNG may declare 13,000 × 13,000 pixels)."""
        image = self.cleaned_data["avatar"]
        if image.size > settings.AVATAR_MAX_BYTES:
            raise forms.ValidationError(
                _("The picture is too large: at most %(size)s MB."),
                params={"size": settings.AVATAR_MAX_BYTES // (1024 * 1024)},
            )
        header = getattr(image, "image", None)
        if header is None or header.format not in ("JPEG", "PNG", "WEBP"):
            raise forms.ValidationError(_("Use a JPEG, PNG or WebP picture."))
        width, height = header.size
        if width * height > settings.AVATAR_MAX_PIXELS:
            raise too_many_pixels()
        try:
            pictures.decode(image)
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise forms.ValidationError(_("The picture cannot be read: it may be damaged. Try another file.")) from None
        return image


class RecoveryForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("The e-mail address of your account."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
