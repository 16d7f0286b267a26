"""Where uploaded files (attachments, profile pictures) live: the local disk under
MEDIA_ROOT, the embedded default, or an S3-compatible bucket when `S3_BUCKET` is set.

Both are reached only through Django's storage API (`FieldFile.open()`, `.save()`,
`storage.delete()`), so no other code knows which one is configured. Files are never
handed out by URL: every download goes through a view that checks access first and then
streams the file from storage (docs/deployment.md, "Object storage").
"""

# A file opened in another mode than "rb" (which streams) is copied to a temporary file
# once past this size; django-storages' default would keep it all in memory.
SPOOL_BYTES = 1024 * 1024


def s3_storage(
    *,
    bucket: str,
    endpoint_url: str = "",
    region: str = "",
    access_key: str = "",
    secret_key: str = "",
    addressing_style: str = "auto",
    prefix: str = "",
    timeout: int = 20,
) -> dict:
    """The `STORAGES["default"]` entry that keeps uploaded files in `bucket`.

    Empty strings mean "not given": without `endpoint_url` the bucket is on Amazon S3;
    without keys boto3 finds credentials itself (AWS_* variables, an instance role).
    `timeout` is in seconds, for connecting and for each read; failed calls are retried
    three times with backoff. Keys are never reused: an existing name is never
    overwritten (`file_overwrite` off), on top of the random names the models give.
    """
    from botocore.config import Config  # imported only when S3 is configured: boto is slow to load

    return {
        "BACKEND": "sportello.lib.s3.StreamingS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "location": prefix.strip("/"),
            "file_overwrite": False,
            "default_acl": None,  # the bucket's own policy: private
            "querystring_auth": True,  # should a URL ever be asked for, it is signed
            "querystring_expire": 60,
            "max_memory_size": SPOOL_BYTES,
            "client_config": Config(
                signature_version="s3v4",
                s3={"addressing_style": addressing_style},
                connect_timeout=timeout,
                read_timeout=timeout,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        },
    }
