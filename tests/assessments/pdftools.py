"""poppler-utils on a PDF file a test wrote: no untrusted input reaches the command."""

import subprocess
from pathlib import Path


def poppler(tool: str, path: Path) -> str:
    args = [tool, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout
