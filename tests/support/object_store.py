"""A real S3-protocol server for the tests: moto's server in a process of its own, on a free port."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass

import boto3
from botocore.config import Config as BotoConfig

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test-secret", "AWS_DEFAULT_REGION": "us-east-1"}


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ObjectStoreServer:
    """The running server: its endpoint and a client of its own for looking inside."""

    endpoint: str
    process: subprocess.Popen

    def client(self):
        """A boto3 client of the server (path-style addressing, as the app uses)."""
        return boto3.client("s3", endpoint_url=self.endpoint, config=BotoConfig(s3={"addressing_style": "path"}))

    def new_bucket(self) -> str:
        """A fresh, empty bucket."""
        name = f"om-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str) -> list[str]:
        """Every object name in a bucket."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def stop(self) -> None:
        """End the server process."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_object_store() -> ObjectStoreServer:
    """Start the server and return once it answers S3 requests (the credentials go into os.environ)."""
    os.environ.update(CREDENTIALS)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    server = ObjectStoreServer(endpoint=f"http://127.0.0.1:{port}", process=process)
    deadline = time.monotonic() + 60
    while True:
        try:
            server.client().list_buckets()
            return server
        except Exception:  # not listening yet
            if process.poll() is not None or time.monotonic() > deadline:
                server.stop()
                raise RuntimeError("the S3-protocol server (moto) did not start")
            time.sleep(0.1)
