"""Who signs which project paper: a signature on a project document is checked as it arrives.

Document kind -> the signer roles it takes: the site-entry review its `reviewer` (a team member),
the training sheet `trainee-1` .. `trainee-n` (one per trainee named), the external acceptance the
school's representative (`school`), the completion report the team leader (`leader`, signed by
the leader's own account), the hand-over receipt the school (`school`). A signature for a role
the paper does not take is refused, so the paper is complete exactly when its roles are filled.
The report's and the receipt's signatures may complete the project (handover.maybe_complete).
"""
from __future__ import annotations

from flask_babel import gettext as _

from ..auth.models import User
from ..clock import utcnow
from ..documents import signing
from ..documents.models import Signature
from ..documents.signed_content import content_sha256, signed_content_sha256
from ..documents.signing import on_signature_arrived
from ..errors import DomainError, Forbidden
from ..extensions import db
from ..training.sessions import store_signature_image
from . import handover, rules
from .models import CompletionReport, EntryReview, ExternalAcceptance, Handover, Project, Training

PAPER_MODELS = {
    "project_entry_review": EntryReview,
    "project_training": Training,
    "project_external_acceptance": ExternalAcceptance,
    "project_report": CompletionReport,
    "project_handover": Handover,
}
FIXED_ROLES = {
    "project_entry_review": ("reviewer",),
    "project_external_acceptance": ("school",),
    "project_report": ("leader",),
    "project_handover": ("school",),
}


def signer_roles(kind: str, document) -> tuple[str, ...]:
    """The signer roles a project paper takes."""
    if kind == "project_training":
        return tuple(f"trainee-{n}" for n in range(1, len(document.trainees or []) + 1))
    return FIXED_ROLES[kind]


def check_signature(signature: Signature) -> None:
    """Refuse a signature in a role the paper does not take (or the report signed by another)."""
    document = db.session.get(PAPER_MODELS[signature.document_kind], signature.document_id)
    roles = signer_roles(signature.document_kind, document)
    if signature.signer_role not in roles:
        raise DomainError(_("This paper is signed by: %(roles)s.", roles=", ".join(roles)), code="invalid",
                          errors={"signer_role": [_("Not a signer of this paper.")]})
    project = db.session.get(Project, document.project_id)
    if signature.document_kind == "project_entry_review" and not rules.is_member(db.session.get(User, signature.author_id), project):
        raise Forbidden(_("Only the project's installation team does the work on site."))
    if signature.document_kind == "project_report":
        if signature.author_id != project.leader_id:
            raise Forbidden(_("Only the team leader takes this step."))
    if signature.document_kind in ("project_report", "project_handover"):
        db.session.flush()
        handover.maybe_complete(project)


def register() -> None:
    """Hook the check into the signing verb for every project paper."""
    for kind in PAPER_MODELS:
        on_signature_arrived[kind] = check_signature


def sign_paper(user: User, kind: str, record, role: str, signer_name: str, png: bytes | None) -> Signature:
    """A signature drawn on an office page (the school's representative, the team leader): the image
    is kept like a tablet's (`training.sessions.store_signature_image`) and the signature goes
    through the one signing verb, so the checks above and the filing pipeline run as for a device's."""
    if not png:
        raise DomainError(_("Sign in the box first."), code="signature_required",
                          errors={"signature": [_("Sign in the box first.")]})
    db.session.flush()
    blob = store_signature_image(png, user)
    content = signed_content_sha256(kind, record.id) or content_sha256(kind, record.id, {"id": record.id})
    return signing.create_signature(user, {
        "document_kind": kind, "document_id": record.id, "signer_name": signer_name, "signer_role": role,
        "signed_at": utcnow(), "content_sha256": content, "image_sha256": blob.sha256,
    })
