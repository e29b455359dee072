"""Blob and document storage in an S3-compatible object store, for several app servers.

One app server can keep photos, signatures and filed PDFs in a folder; several servers behind a
load balancer cannot (each would hold only what it received). With `STORAGE_BACKEND=s3` both
stores live in one bucket instead, under their own prefixes (`blobs/`, `documents/`), and every
server reads what any server wrote. The object store is any that speaks the S3 protocol (AWS S3,
a MinIO or Ceph gateway, a cloud vendor's OSS with its S3 endpoint).

Keys stay content-addressed: an object's name is the SHA-256 of its bytes, as in the folder,
so `put` is idempotent and a backup can check what it copies (`sha256(bytes) == key`).
Settings: `S3_BUCKET`, `S3_ENDPOINT_URL` (empty for AWS itself), `S3_REGION`, and the usual
`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` environment variables read by boto3.
"""
from __future__ import annotations

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError
from flask import Flask

from .keys import is_sha256


class S3Storage:
    """A BlobStorage over one bucket and a key prefix."""

    def __init__(self, client, bucket: str, prefix: str):
        """Use this boto3 S3 client, bucket and prefix (e.g. "blobs/")."""
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def key(self, key: str) -> str:
        """The object name of a key."""
        if not is_sha256(key):
            raise ValueError("blob keys are sha256 hex")
        return f"{self.prefix}{key[:2]}/{key}"

    def put(self, key: str, data: bytes) -> None:
        """Store the bytes; the same key twice is the same bytes, so a second put writes nothing."""
        if self.exists(key):
            return
        self.client.put_object(Bucket=self.bucket, Key=self.key(key), Body=data)

    def get(self, key: str) -> bytes | None:
        """The stored bytes, or None when the object is not there."""
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.key(key))
        except self.client.exceptions.NoSuchKey:
            return None
        return answer["Body"].read()

    def exists(self, key: str) -> bool:
        """True when the object is there (a HEAD request)."""
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(key))
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        """Remove the object (a missing one is fine: S3 answers a delete of nothing with success)."""
        self.client.delete_object(Bucket=self.bucket, Key=self.key(key))


def s3_client(app: Flask):
    """A boto3 S3 client from the app's settings (one per store; boto3 clients are thread-safe)."""
    return boto3.client(
        "s3",
        endpoint_url=app.config.get("S3_ENDPOINT_URL") or None,
        region_name=app.config.get("S3_REGION") or None,
        config=BotoConfig(retries={"max_attempts": 5, "mode": "standard"}, s3={"addressing_style": "path"}),
    )


def s3_store(app: Flask, prefix: str) -> S3Storage:
    """The store under `prefix` in the configured bucket."""
    bucket = app.config.get("S3_BUCKET")
    if not bucket:
        raise RuntimeError("STORAGE_BACKEND=s3 needs S3_BUCKET (and S3_ENDPOINT_URL unless it is AWS)")
    return S3Storage(s3_client(app), bucket, prefix)
