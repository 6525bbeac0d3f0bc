"""Document numbers (文号) issued by the portal: in sequence per prefix and year, unique, never reused.

`take_number` must run inside the transaction that uses the number: the sequence row stays locked until
that transaction ends, so a second publication waits and then takes the next number; if the first one
rolls back, so does its number (a gap is never left behind by a failed publication).
"""

from django.db import IntegrityError, transaction

from .errors import DomainError
from .models import DocumentNumber, DocumentSequence


def format_doc_no(prefix: str, year: int, number: int) -> str:
    """e.g. 吉示范镇办〔2024〕3号 (R8)."""
    if number < 1:
        raise ValueError(f"文号序号应为正整数，而不是 {number}。")
    return f"{prefix}〔{year}〕{number}号"


def _locked_sequence(prefix: str, year: int) -> DocumentSequence:
    sequence = DocumentSequence.objects.select_for_update().filter(prefix=prefix, year=year).first()
    if sequence is not None:
        return sequence
    try:
        with transaction.atomic():
            DocumentSequence.objects.create(prefix=prefix, year=year)
    except IntegrityError:
        pass  # created by a concurrent transaction a moment ago: lock theirs
    return DocumentSequence.objects.select_for_update().get(prefix=prefix, year=year)


def take_number(prefix: str, year: int, kind: str, subject: str = "") -> str:
    """The next document number under prefix and year, recorded as issued. Inside an atomic block."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_number must run inside the transaction that uses the number")
    prefix = (prefix or "").strip()
    if not prefix:
        raise DomainError("请填写发文字号前缀，如 吉示范镇办。")
    sequence = _locked_sequence(prefix, year)
    number = sequence.last_number + 1
    doc_no = format_doc_no(prefix, year, number)
    while DocumentNumber.objects.filter(doc_no=doc_no).exists():
        # A number recorded outside the sequence (an earlier version of the portal): skip past it.
        number += 1
        doc_no = format_doc_no(prefix, year, number)
    sequence.last_number = number
    sequence.save(update_fields=["last_number"])
    DocumentNumber.objects.create(
        prefix=prefix, year=year, number=number, doc_no=doc_no, kind=kind, subject=subject[:200]
    )
    return doc_no
