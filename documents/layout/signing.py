"""The PAdES signature of an issued PDF (pyHanko) with the organization's certificate
(settings.SIGNING_CERT / SIGNING_KEY), its check, and a self-signed demo certificate."""

import asyncio
import datetime
import hashlib
import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import TypeVar

from django.conf import settings

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEMO_COMMON_NAME = "协同市协同局 (demo)"
SIGNATURE_FIELD = "Signature1"


class SigningUnavailable(RuntimeError):
    """No readable certificate and key are configured (settings.SIGNING_CERT, SIGNING_KEY)."""


@dataclass(frozen=True)
class SignatureCheck:
    """What a PDF's last signature says about the file.

    ``intact``: the signed bytes are unchanged, the signature is mathematically valid and covers
    the whole file (nothing was appended after signing). ``trusted``: the certificate chains to the
    configured SIGNING_CERT. ``signer`` is the certificate's common name, ``signer_name`` the name
    given when signing."""

    signed: bool
    intact: bool
    signer: str
    trusted: bool = False
    signer_name: str = ""
    signed_at: datetime.datetime | None = None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _outside_any_event_loop(work: Callable[[], T]) -> T:
    """``work()``, in a short-lived thread of its own when this thread runs an event loop.

    pyHanko's synchronous calls start one with ``asyncio.run``, which refuses to run beside a loop
    already running in the thread (an async caller, a notebook, a test driving a browser)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def _paths() -> tuple[Path, Path]:
    return Path(settings.SIGNING_CERT), Path(settings.SIGNING_KEY)


def signing_available() -> bool:
    """Both files configured and readable."""
    cert, key = _paths()
    return all(p.is_file() and os.access(p, os.R_OK) for p in (cert, key))


def sign_pdf(pdf: bytes, *, reason: str, location: str = "", signer_name: str = "") -> bytes:
    """``pdf`` with a PAdES baseline signature appended as an incremental update."""
    return sign_pdfs([pdf], reason=reason, location=location, signer_name=signer_name)[0]


def sign_pdfs(pdfs: Sequence[bytes], *, reason: str, location: str = "", signer_name: str = "") -> list[bytes]:
    """Each of ``pdfs`` signed as ``sign_pdf`` does, with the key read once.

    pyHanko sizes the signature's placeholder by signing a dummy first, which doubles the cost of
    a signature; the files of one batch (the numbered copies of one document) share the certificate
    and the attributes, so the first file's placeholder size serves the rest."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    if not signing_available():
        raise SigningUnavailable("SIGNING_CERT and SIGNING_KEY must name a readable certificate and key.")
    cert, key = _paths()
    signer = signers.SimpleSigner.load(str(key), str(cert))
    if signer is None:
        raise SigningUnavailable(f"The key {key} or certificate {cert} cannot be read.")
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        reason=reason or None,
        location=location or None,
        name=signer_name or None,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    signed: list[bytes] = []
    reserved: int | None = None
    for pdf in pdfs:
        writer = IncrementalPdfFileWriter(BytesIO(pdf))

        def sign(writer: IncrementalPdfFileWriter = writer, reserved: int | None = reserved) -> BytesIO:
            return signers.sign_pdf(writer, metadata, signer=signer, bytes_reserved=reserved)

        output = _outside_any_event_loop(sign)
        data = output.getvalue()
        if reserved is None:
            # The placeholder as pyHanko sized it (the /Contents string, padded; counted in hex
            # digits), for the next files.
            contents = PdfFileReader(BytesIO(data), strict=False).embedded_signatures[-1].sig_object["/Contents"]
            reserved = 2 * len(contents)
        signed.append(data)
    return signed


def _trust_roots() -> list[object]:
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    cert, _key = _paths()
    try:
        data = cert.read_bytes()
    except OSError:
        return []
    if pem.detect(data):
        data = pem.unarmor(data)[2]
    return [asn1_x509.Certificate.load(data)]


def validate_pdf_signature(pdf: bytes) -> SignatureCheck:
    """The state of the PDF's last signature; ``signed=False`` when it has none or cannot be read."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature as validate
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError) as error:
        logger.info("Unreadable PDF: %s", error)
        return SignatureCheck(signed=False, intact=False, signer="")
    if not signatures:
        return SignatureCheck(signed=False, intact=False, signer="")
    embedded = signatures[-1]
    name = str(embedded.sig_object.get("/Name", "") or "")
    try:
        context = ValidationContext(trust_roots=_trust_roots(), allow_fetching=False)
        status = _outside_any_event_loop(lambda: validate(embedded, context))
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as error:
        logger.info("Signature cannot be validated: %s", error)
        return SignatureCheck(signed=True, intact=False, signer="", signer_name=name)
    subject = status.signing_cert.subject.native if status.signing_cert is not None else {}
    intact = bool(status.intact and status.valid and status.coverage == SignatureCoverageLevel.ENTIRE_FILE)
    return SignatureCheck(
        signed=True,
        intact=intact,
        signer=str(subject.get("common_name", "")),
        trusted=bool(status.trusted),
        signer_name=name,
        signed_at=status.signer_reported_dt,
    )


def make_demo_certificate(cert_path: Path, key_path: Path, *, common_name: str = DEMO_COMMON_NAME) -> bool:
    """Write a self-signed certificate and its key (RSA 2048, ten years) unless both exist; True
    when written. Refuses to replace one of the two alone."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    cert_path, key_path = Path(cert_path), Path(key_path)
    if cert_path.exists() and key_path.exists():
        return False
    if cert_path.exists() or key_path.exists():
        present = cert_path if cert_path.exists() else key_path
        raise FileExistsError(f"{present} exists without its pair; move it away or supply both files.")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, common_name),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # The key is readable by its owner only, from the moment it exists.
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key_bytes)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return True
