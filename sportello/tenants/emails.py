"""The e-mails of the tenants app, one function each."""

from django.urls import reverse

from sportello.notifications.models import OutboundEmail
from sportello.notifications.services import send_email


def send_invitation(invitation, user) -> None:
    """The manual's second e-mail: the invitation to join the company (the "Tenant")."""
    send_email(
        kind="invitation",
        to=invitation.email,
        language=user.language,
        queue=OutboundEmail.Queue.PRIORITY,
        context={
            "tenant_name": invitation.tenant.name,
            "inviter": invitation.invited_by.display_name if invitation.invited_by else "",
            "role": invitation.get_role_display(),
            "is_new_account": not user.is_activated,
            "landing_path": reverse("tenants:landing"),
        },
    )
