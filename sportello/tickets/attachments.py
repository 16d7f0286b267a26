"""Handing attachments to the browser, after the caller's access check."""

from django.http import FileResponse

from .models import Attachment


def serve_attachment(attachment: Attachment) -> FileResponse:
    """Always a download, never rendered by the browser, under its cleaned original name."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
