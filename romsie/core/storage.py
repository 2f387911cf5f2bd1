"""The S3 storage of uploaded files (``AWS_STORAGE_BUCKET_NAME``, see ``config/settings/base.py``).

django-storages' ``S3Storage``, with one change: a file already on disk (an upload larger than
``FILE_UPLOAD_MAX_MEMORY_SIZE``, kept by Django in a temporary file) is sent from its path.
Given a file object, boto3 copies each part (8 MB) into memory before sending it, and reads ahead
of the parts being sent: a 100 MB upload grew the worker by 105 MB. From a path, each part is read
from disk as it is sent (``benchmarks/large_files.py``).
"""

from __future__ import annotations

from typing import Any

from storages.backends.s3 import S3Storage as _S3Storage
from storages.utils import clean_name


class S3Storage(_S3Storage):
    def _save(self, name: str, content: Any) -> str:
        path = getattr(content, "temporary_file_path", None)
        if path is None or self.gzip:
            return str(super()._save(name, content))
        cleaned = clean_name(name)
        key = self._normalize_name(cleaned)
        params = self._get_write_parameters(key, content)
        self.bucket.Object(key).upload_file(path(), ExtraArgs=params, Config=self.transfer_config)
        return str(cleaned)
