"""The GB/T 9704-2012 layout engine: plain data (Layout, Block) in, PDF and DOCX bytes out; the seal,
the PAdES signature and its check. Nothing here reads models: documents' services build a Layout."""

from .data import Block, Layout
from .pdf import render_pdf
from .seal import seal_png
from .signing import (
    SignatureCheck,
    SigningUnavailable,
    make_demo_certificate,
    sha256_hex,
    sign_pdf,
    sign_pdfs,
    signing_available,
    validate_pdf_signature,
)
from .word import render_docx

__all__ = [
    "Block",
    "Layout",
    "SignatureCheck",
    "SigningUnavailable",
    "make_demo_certificate",
    "render_docx",
    "render_pdf",
    "seal_png",
    "sha256_hex",
    "sign_pdf",
    "sign_pdfs",
    "signing_available",
    "validate_pdf_signature",
]
