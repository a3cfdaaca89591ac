"""Notice text read by OCR from a scan: a PDF without a text layer, or an image (.png, .jpg, .tif).

PDF pages are rendered at 300 dpi with pdfplumber; Tesseract (pytesseract, lang chi_sim,
--psm 6: one block of text) reads each page, and its lines are kept as it gives them, each page
after the first starting with a line holding one space, as in pdf.py.  One thing is taken out:
a curly quote Tesseract sees in the gap between two table cells ("从化区 “150.00"), which would
hide the amount from the drafter.  Nothing else is corrected: OCR misreads digits and
punctuation (≥ as 立, "：" as ": "), so every row drafted from this text carries REVIEW_NOTE in
its 待核问题 column.

Tesseract and its Simplified Chinese model are programs, not Python packages; when either is
missing, OcrUnavailable says what to install.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

REVIEW_NOTE = "OCR 识别的文字：逐字核对原件"
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-chi-sim"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
RESOLUTION = 300
CONFIG = "--psm 6"
# after a space, a quote whose cell has no other quote: the mark of a column gap, not of a quotation
GAP_QUOTE = re.compile(r"(?<=\s)[“”](?=[^\s“”]+(?:\s|$))", re.M)


class OcrUnavailable(RuntimeError):
    """Tesseract, its chi_sim model or pytesseract is not installed."""


def _tesseract():
    try:
        import pytesseract
    except ImportError as exc:
        raise OcrUnavailable("OCR needs pytesseract: pip install pytesseract, and " + INSTALL) from exc
    try:
        pytesseract.get_tesseract_version()
    except (pytesseract.TesseractNotFoundError, OSError) as exc:
        raise OcrUnavailable(f"OCR needs Tesseract, which is not installed: {INSTALL}") from exc
    if "chi_sim" not in pytesseract.get_languages(config=""):
        raise OcrUnavailable(f"OCR needs Tesseract's Simplified Chinese model (chi_sim), which is not installed: {INSTALL}")
    return pytesseract


def page_images(path: Path):
    """The pages of a scanned PDF, or the frames of an image, as PIL images."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    suffix = path.suffix.lower()
    if suffix == ".pdf":
        import pdfplumber

        logging.getLogger("pdfminer").setLevel(logging.ERROR)
        try:
            with pdfplumber.open(str(path)) as pdf:
                for page in pdf.pages:
                    yield page.to_image(resolution=RESOLUTION).original
        except Exception as exc:                   # noqa: BLE001 - pdfminer raises several kinds
            raise ValueError(f"{path} cannot be read as a PDF ({type(exc).__name__}: {exc})") from exc
    elif suffix in IMAGE_SUFFIXES:
        try:
            image = Image.open(path)
        except (UnidentifiedImageError, OSError) as exc:
            raise ValueError(f"{path} cannot be read as an image ({exc})") from exc
        with image:
            for frame in ImageSequence.Iterator(image):
                yield frame.convert("RGB")
    else:
        raise ValueError(f"{path}: OCR reads a scanned .pdf or an image ({', '.join(IMAGE_SUFFIXES)})")


def ocr_text(path: Path) -> str:
    path = Path(path)
    tesseract = _tesseract()
    pages = []
    for image in page_images(path):
        try:
            pages.append(GAP_QUOTE.sub("", tesseract.image_to_string(image, lang="chi_sim", config=CONFIG).rstrip("\f\n")))
        except tesseract.TesseractError as exc:
            raise ValueError(f"Tesseract could not read {path} ({exc})") from exc
    text = "\n \n".join(pages)
    if not text.strip():
        raise ValueError(f"Tesseract read no text in {path}: is it a scan of the notice, upright and legible?")
    return text + "\n"
