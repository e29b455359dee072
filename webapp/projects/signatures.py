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
from ..documents.models import Signature
from ..documents.signing import on_signature_arrived
from ..errors import DomainError, Forbidden
from ..extensions import db
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
