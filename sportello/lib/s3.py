"""The S3 storage backend of uploaded files (see `sportello.lib.storage.s3_storage`)."""

from botocore.exceptions import ClientError
from django.core.files.base import File
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class StreamingS3Storage(S3Storage):
    """django-storages' S3Storage whose files opened for reading stream from the bucket
    as they are read.

    The parent class downloads the whole object into memory or a temporary file before
    the first byte can be read; a download view would then hold the whole file before
    answering. Here `open(name, "rb")` starts a GET and returns its body, read in the
    response's chunks. Writing and every other operation are the parent's.
    """

    def _open(self, name, mode="rb"):
        if mode != "rb":
            return super()._open(name, mode)
        key = self._normalize_name(clean_name(name))
        try:
            body = self.connection.meta.client.get_object(Bucket=self.bucket_name, Key=key)["Body"]
        except ClientError as error:
            if error.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                raise FileNotFoundError(f"No file {name!r} in the bucket.") from error
            raise
        return File(body, name=name)
