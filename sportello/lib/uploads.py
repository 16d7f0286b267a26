"""An upload handler that enforces the largest file size while the upload streams."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class SizeLimitedUploadHandler(FileUploadHandler):
    """Counts each uploaded file's bytes as they arrive and drops a file the moment it
    reaches ATTACHMENT_MAX_BYTES, so an oversized file is never read whole, in memory or
    on disk. The names of the dropped files are left in `request.oversized_uploads` for
    the form to report; the rest of the request is parsed as usual."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.ATTACHMENT_MAX_BYTES
        self.received = 0
        if request is not None:
            request.oversized_uploads = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received >= self.limit:
            if self.request is not None:
                self.request.oversized_uploads.append(self.file_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None
