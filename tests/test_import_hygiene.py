"""Nothing below the UI imports Textual or Rich, and the CLI starts without torch."""

import subprocess
import sys

HEADLESS = ["ingest.loading", "ingest.normalising", "ingest.sections", "ingest.values",
            "ingest.spectable", "index.embedding", "index.store", "index.indexing",
            "answer.resolve", "answer.retrieval", "answer.fit", "answer.matching", "answer.intent",
            "answer.lookup", "answer.check", "answer.compare", "answer.passage", "answer.refusal",
            "answer.gate", "answer.assistant",
            "evaluation", "cli"]


def _loaded_after(imports: str) -> set[str]:
    code = f"import sys; {imports}; print(' '.join(sorted(m.split('.')[0] for m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_headless_modules_do_not_import_textual_or_rich():
    loaded = _loaded_after("; ".join(f"import assistant.{m}" for m in HEADLESS))
    assert "textual" not in loaded and "rich" not in loaded


def test_heavy_libraries_are_imported_lazily():
    loaded = _loaded_after("import assistant.cli, assistant.answer.assistant")
    assert "torch" not in loaded and "sentence_transformers" not in loaded
