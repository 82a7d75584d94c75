"""Reading uploaded model files (BPMN, DMN) without trusting them.

lxml's parser is configured never to resolve entities, load a DTD or touch the network, and a
document that carries a DOCTYPE at all is refused: process and decision models never need one,
and a DOCTYPE is where XXE and entity-expansion ("billion laughs") attacks live."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lxml import etree


@dataclass(frozen=True)
class Problem:
    """One reason a model is refused: where (element id, rule, column) and what."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class InvalidModel(ValidationError):
    """An uploaded BPMN or DMN file is refused; `problems` names every reason found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__([str(problem) for problem in problems], code="invalid_model")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_untrusted_xml(content: bytes, *, max_bytes: int) -> etree._Element:
    """The root element of `content`, or `InvalidModel` (too large, not XML, has a DOCTYPE)."""
    if not isinstance(content, bytes):
        raise InvalidModel([Problem("", _("The model must be uploaded as a file."))])
    if len(content) > max_bytes:
        raise InvalidModel(
            [
                Problem(
                    "",
                    _("The file is %(size)d bytes; the limit is %(limit)d bytes.")
                    % {"size": len(content), "limit": max_bytes},
                )
            ]
        )
    if b"<!DOCTYPE" in content.upper() or b"<!ENTITY" in content.upper():
        raise InvalidModel(
            [Problem("", _("DOCTYPE declarations and entities are not allowed in models."))]
        )
    try:
        root = etree.fromstring(content, _parser())
    except etree.XMLSyntaxError as error:
        raise InvalidModel(
            [Problem("", _("The file is not well-formed XML: %(error)s") % {"error": error.msg})]
        ) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise InvalidModel(
            [Problem("", _("DOCTYPE declarations and entities are not allowed in models."))]
        )
    return root


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname


def namespace(element: etree._Element) -> str:
    return etree.QName(element).namespace or ""
