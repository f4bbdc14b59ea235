"""Publish target ``s3``: AWS S3 or any S3-compatible service, through boto3.

Credentials come from boto3's standard chain (environment, shared files, profile,
instance role) and are never read, stored or printed by feedpub. boto3 is imported
here only, when a publish to S3 starts, so other commands stay fast.
"""

from __future__ import annotations

import gzip
from typing import TYPE_CHECKING, Any, Self

from feedpub.errors import PublishError
from feedpub.model import S3Target
from feedpub.publish.target import StoreBase, TransientError

if TYPE_CHECKING:
    from botocore.exceptions import ClientError

# Error codes S3 and compatible services answer when trying again later may work.
TRANSIENT_CODES = frozenset(
    {
        "InternalError",
        "ServiceUnavailable",
        "SlowDown",
        "RequestTimeout",
        "RequestTimeTooSkewed",
        "500",
        "502",
        "503",
        "504",
    }
)
MISSING_CODES = frozenset({"NoSuchKey", "404", "NotFound"})


class S3Store(StoreBase):
    def __init__(self, target: S3Target) -> None:
        self.target = target
        self.prefix = f"{target.prefix}/" if target.prefix else ""
        self._client: Any = None

    def __enter__(self) -> Self:
        import boto3
        from botocore.config import Config

        self._client = boto3.session.Session().client(
            "s3",
            region_name=self.target.region,
            endpoint_url=self.target.endpoint_url,
            # Our RetryPolicy does the retrying, with one policy for every target.
            config=Config(
                retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=30
            ),
        )
        return self

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def read(self, path: str) -> bytes | None:
        try:
            response = self._call("get_object", Bucket=self.target.bucket, Key=self.prefix + path)
        except _Missing:
            return None
        body: bytes = response["Body"].read()
        if response.get("ContentEncoding") == "gzip":
            body = gzip.decompress(body)
        return body

    def put(self, path: str, content: bytes, content_type: str, sha256: str) -> None:
        extra: dict[str, str] = {}
        if self.target.gzip:
            content = gzip.compress(content, mtime=0)  # mtime=0: same bytes every time
            extra["ContentEncoding"] = "gzip"
        self._call(
            "put_object",
            Bucket=self.target.bucket,
            Key=self.prefix + path,
            Body=content,
            ContentType=content_type,
            CacheControl="no-store" if path.startswith(".") else self.target.cache_control,
            Metadata={"sha256": sha256},  # the source bytes' hash, for anyone inspecting
            **extra,
        )

    def delete(self, path: str) -> None:
        self._call("delete_object", Bucket=self.target.bucket, Key=self.prefix + path)

    def _call(self, operation: str, **arguments: Any) -> Any:
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            ConnectionError,
            HTTPClientError,
            NoCredentialsError,
        )

        try:
            return getattr(self._client, operation)(**arguments)
        except NoCredentialsError as error:
            raise PublishError(
                "no AWS credentials found. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                "or AWS_PROFILE, in the environment"
            ) from error
        except ClientError as error:
            raise _client_error(error, self.target.bucket) from error
        except (ConnectionError, HTTPClientError) as error:
            raise TransientError(_first_line(error)) from error
        except BotoCoreError as error:
            raise PublishError(_first_line(error)) from error


class _Missing(Exception):
    pass


def _client_error(error: ClientError, bucket: str) -> Exception:
    code = str(error.response.get("Error", {}).get("Code", ""))
    if code in MISSING_CODES:
        return _Missing()
    if code in TRANSIENT_CODES:
        return TransientError(f"S3 answered {code}")
    if code == "NoSuchBucket":
        return PublishError(f"the bucket {bucket!r} does not exist. Create it or fix 'bucket'")
    if code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
        return PublishError(
            f"S3 refused the request ({code}). Check the credentials and the bucket policy"
        )
    return PublishError(f"S3 answered {code}: {error.response.get('Error', {}).get('Message')}")


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
