"""The stored files of tickets (local disk or the bucket, through Django's storage API)."""

from .models import Attachment, Ticket


def delete_ticket_files(ticket: Ticket) -> int:
    """Deletes every attachment of `ticket`, the customers' and the internal notes' alike:
    first each stored file, then the rows. Returns how many attachments there were.

    For GDPR erasure (Art. 17) and retention rules. Files go first so that a failure of
    the storage (which raises its own error, e.g. botocore's `ClientError`) leaves the
    rows in place to try again; running it again is safe, as a file already gone is
    not an error (S3 and Django's file system storage both ignore it)."""
    attachments = list(Attachment.objects.for_tenant(ticket.tenant).filter(message__ticket=ticket).only("file"))
    for attachment in attachments:
        attachment.file.storage.delete(attachment.file.name)
    Attachment.objects.for_tenant(ticket.tenant).filter(pk__in=[a.pk for a in attachments]).delete()
    return len(attachments)
