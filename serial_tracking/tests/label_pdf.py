"""Reading printed labels back: a PDF rasterised at 300 dpi, every symbol on it decoded."""

import shutil
import subprocess
import tempfile
from pathlib import Path

try:
    import zxingcpp
    from PIL import Image
except ImportError:  # pragma: no cover - listed in requirements-test.txt
    zxingcpp = None


def pdf_reading_tools_missing():
    """True where zxing-cpp or pdftoppm (poppler-utils) is not installed."""
    return zxingcpp is None or not shutil.which("pdftoppm")


def decode_pdf_pages(pdf):
    """The zxing-cpp results of every page of ``pdf``, a list per page, in page order."""
    pages = []
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "labels.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "300", "-png", "labels.pdf", "page"],
            cwd=tmp,
            check=True,
            capture_output=True,
            timeout=300,
        )
        for page in sorted(Path(tmp).glob("page*.png")):
            image = Image.open(page).convert("L")
            pages.append(zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain))
    return pages
