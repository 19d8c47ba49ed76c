"""The multi-vendor test corpus: the shipped sheets (``corpus/``) and the vendor sheets
(``tests/data/vendors/``) in one folder, as a support desk's catalogue would hold them.

    python tests/multivendor.py DIR      # assemble it into DIR/corpus (then index or eval it)
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCES = (REPO / "corpus", REPO / "tests" / "data" / "vendors")


def assemble(target: Path) -> Path:
    """Copy every datasheet of both folders into ``target`` (created); returns it."""
    target.mkdir(parents=True, exist_ok=True)
    for folder in SOURCES:
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.suffix.lower() in (".txt", ".md", ".pdf"):
                shutil.copy2(path, target / path.name)
    return target


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        sys.exit(__doc__)
    print(assemble(Path(sys.argv[1]) / "corpus"))
